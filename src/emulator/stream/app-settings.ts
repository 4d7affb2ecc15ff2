/**
 * `GET /app` as the service answers it: every field SPEC requires of AppResponseFields, with the values
 * of a fresh app (nothing configured, no push, no moderation), plus what `PATCH /app` has set.
 */
import type { StreamStore } from './store.ts';
import { channelConfig } from './shapes.ts';

type Json = Record<string, unknown>;

const off = { enabled: false };

function freshApp(): Json {
  return {
    id: 1,
    organization: 'botyard',
    placement: 'local',
    push_notifications: { version: 'v2', offline_only: false, apn: { enabled: false, development: false }, firebase: off, huawei: off, xiaomi: off },
    moderation_webhook_url: '',
    call_types: {},
    policies: {},
    suspended: false,
    suspended_explanation: '',
    permission_version: 'v2',
    user_search_disallowed_roles: [],
    allow_multi_user_devices: true,
    image_moderation_enabled: false,
    async_url_enrich_enabled: false,
    auto_translation_enabled: false,
    custom_action_handler_url: '',
    before_message_send_hook_url: '',
    enforce_unique_usernames: 'no',
    sqs_url: '',
    sqs_key: '',
    sqs_secret: '',
    sns_topic_arn: '',
    sns_key: '',
    sns_secret: '',
    file_upload_config: { size_limit: 0 },
    image_upload_config: { size_limit: 0 },
    grants: {},
    campaign_enabled: false,
    reminders_interval: 60,
    cdn_expiration_seconds: 1209600,
    moderation_enabled: false,
    moderation_multitenant_blocklist_enabled: false,
    guest_user_creation_disabled: false,
    use_hook_v2: false,
    user_response_time_enabled: false,
    moderation_llm_configurability_enabled: false,
    max_aggregated_activities_length: 0,
    feed_audit_logs_enabled: false,
    moderation_video_call_moderation_enabled: false,
    moderation_audio_call_moderation_enabled: false,
    member_custom_on_messages_enabled: false,
    disable_auth_checks: false,
    disable_permissions_checks: false,
    multi_tenant_enabled: false,
    webhook_events: [],
  };
}

export function appResponse(store: StreamStore, channelTypes: Iterable<string>): Json {
  const app = store.app;
  return {
    ...freshApp(),
    channel_configs: Object.fromEntries([...channelTypes].map((name) => [name, channelConfig(name)])),
    ...app.custom,
    name: app.name,
    webhook_url: app.webhook_url ?? '',
    event_hooks: app.event_hooks.map((h) => ({ ...h })),
  };
}
