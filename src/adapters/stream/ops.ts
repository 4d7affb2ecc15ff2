/**
 * The seed backend operations (tokens, user sync, channel sync, members, moderators, messages), for
 * the CLI and for bots that want them outside a Context. Thin wrappers over the server client.
 */
import type { StreamChat } from 'stream-chat';
import { createStreamClient, splitCid } from './client.ts';
import { toPlatformError } from './errors.ts';

export const USERS_PER_CALL = 100;

export interface StreamUserInput {
  id: string;
  name?: string;
  role?: string;
  image?: string;
  [custom: string]: unknown;
}

export interface UpsertProgress { done: number; total: number; failed: number }
export interface UpsertResult {
  upserted: string[];
  failed: Array<{ id: string; error: string }>;
  /** Set when a failure was not about one batch (unreachable, credentials refused): the rest were not tried. */
  stopped?: { error: unknown; notTried: number };
}

export interface ChannelInput {
  /** The user recorded as the creator (server-side calls must name one). */
  createdBy: string;
  name?: string;
  image?: string;
  members?: string[];
  data?: Record<string, unknown>;
}

export interface ChannelChanges {
  name?: string;
  image?: string;
  data?: Record<string, unknown>;
  unset?: string[];
}

type Loose = any;

/** Where Stream sends webhooks and asks before storing a message (app settings). */
export interface StreamHooks {
  webhook_url: string;
  before_message_send_hook_url: string;
}

export interface StreamOps {
  client: StreamChat;
  /** Sets `webhook_url` and `before_message_send_hook_url` (updateAppSettings), then reads back what the app now says. */
  setHooks(hooks: StreamHooks): Promise<StreamHooks>;
  /** A user token: HS256 over `{ user_id, exp? }`, signed with the API secret. */
  createToken(userId: string, expiresInSeconds?: number): string;
  /**
   * Upserts in batches of 100; a batch Stream refuses marks its ids failed and the rest carry on. When
   * Stream cannot be reached or refuses the credentials, it stops there: every later batch would fail alike.
   */
  upsertUsers(users: StreamUserInput[], onProgress?: (p: UpsertProgress) => void): Promise<UpsertResult>;
  createChannel(cid: string, input: ChannelInput): Promise<{ cid: string; created: boolean }>;
  /** Partial update: fields not named are kept. */
  updateChannel(cid: string, changes: ChannelChanges): Promise<void>;
  addMembers(cid: string, userIds: string[]): Promise<void>;
  removeMembers(cid: string, userIds: string[]): Promise<void>;
  addModerators(cid: string, userIds: string[]): Promise<void>;
  demoteModerators(cid: string, userIds: string[]): Promise<void>;
  sendMessage(cid: string, message: { userId: string; text?: string; id?: string; attachments?: Record<string, unknown>[]; mentions?: string[]; parentId?: string; data?: Record<string, unknown> }): Promise<string>;
  /** Creates the user (id only) when the app does not know it yet; an existing user is left as it is. */
  ensureUser(userId: string): Promise<void>;
  /** Where the app's webhooks go (`PATCH /app webhook_url`); an empty string stops them. */
  setWebhookUrl(url: string): Promise<void>;
}

export function createStreamOps(client: StreamChat): StreamOps {
  const channel = (cid: string, data?: Record<string, unknown>) => {
    const [type, id] = splitCid(cid);
    return client.channel(type, id, data as Loose);
  };
  const wrap = async <T>(action: string, fn: () => Promise<T>) => {
    try {
      return await fn();
    } catch (err) {
      throw toPlatformError(err, action);
    }
  };
  return {
    client,
    async setHooks(hooks) {
      await wrap('update app settings', () => client.updateAppSettings(hooks));
      const { app } = await wrap('read app settings', () => client.getAppSettings());
      const read = app as Partial<StreamHooks>;
      return { webhook_url: read.webhook_url ?? '', before_message_send_hook_url: read.before_message_send_hook_url ?? '' };
    },
    createToken(userId, expiresInSeconds) {
      if (!userId) throw new TypeError('createToken needs a user id');
      const exp = expiresInSeconds ? Math.floor(Date.now() / 1000) + expiresInSeconds : undefined;
      return client.createToken(userId, exp);
    },
    async upsertUsers(users, onProgress) {
      const result: UpsertResult = { upserted: [], failed: [] };
      for (let i = 0; i < users.length; i += USERS_PER_CALL) {
        const batch = users.slice(i, i + USERS_PER_CALL);
        try {
          await client.upsertUsers(batch as Loose);
          result.upserted.push(...batch.map((u) => u.id));
        } catch (err) {
          const error = toPlatformError(err, 'upsert users');
          if (error.status === undefined || error.status === 401 || error.status === 403) {
            result.stopped = { error: err, notTried: users.length - i };
            break;
          }
          result.failed.push(...batch.map((u) => ({ id: u.id, error: error.message })));
        }
        onProgress?.({ done: Math.min(i + USERS_PER_CALL, users.length), total: users.length, failed: result.failed.length });
      }
      return result;
    },
    async createChannel(cid, input) {
      const data = { ...(input.data ?? {}), ...(input.name ? { name: input.name } : {}), ...(input.image ? { image: input.image } : {}), ...(input.members?.length ? { members: input.members } : {}), created_by_id: input.createdBy };
      // Create is get-or-create and its answer looks the same either way, so ask first.
      const existing = await wrap(`look up ${cid}`, () => client.queryChannels({ cid } as Loose, {}, { limit: 1, message_limit: 0, member_limit: 0 }));
      const res = await wrap(`create ${cid}`, () => channel(cid, data).create());
      return { cid: res.channel.cid, created: existing.length === 0 };
    },
    async updateChannel(cid, changes) {
      const set = { ...(changes.data ?? {}), ...(changes.name !== undefined ? { name: changes.name } : {}), ...(changes.image !== undefined ? { image: changes.image } : {}) };
      await wrap(`update ${cid}`, () => channel(cid).updatePartial({ set, ...(changes.unset?.length ? { unset: changes.unset } : {}) } as Loose));
    },
    addMembers: (cid, ids) => wrap(`add members to ${cid}`, () => channel(cid).addMembers(ids)).then(() => undefined),
    removeMembers: (cid, ids) => wrap(`remove members from ${cid}`, () => channel(cid).removeMembers(ids)).then(() => undefined),
    addModerators: (cid, ids) => wrap(`add moderators to ${cid}`, () => channel(cid).addModerators(ids)).then(() => undefined),
    demoteModerators: (cid, ids) => wrap(`demote moderators in ${cid}`, () => channel(cid).demoteModerators(ids)).then(() => undefined),
    async sendMessage(cid, m) {
      const body = {
        ...(m.data ?? {}),
        ...(m.id ? { id: m.id } : {}),
        ...(m.text !== undefined ? { text: m.text } : {}),
        ...(m.attachments ? { attachments: m.attachments } : {}),
        ...(m.mentions?.length ? { mentioned_users: m.mentions } : {}),
        ...(m.parentId ? { parent_id: m.parentId } : {}),
        user_id: m.userId,
      };
      const res = await wrap(`send to ${cid}`, () => channel(cid).sendMessage(body as Loose));
      return res.message.id;
    },
    async ensureUser(userId) {
      const { users } = await wrap(`look up user ${userId}`, () => client.queryUsers({ id: userId } as Loose));
      if (users.length === 0) await wrap(`create user ${userId}`, () => client.upsertUser({ id: userId }));
    },
    setWebhookUrl: (url) => wrap('set the webhook URL', () => client.updateAppSettings({ webhook_url: url })).then(() => undefined),
  };
}

/**
 * Ops from STREAM_API_KEY / STREAM_API_SECRET / STREAM_BASE_URL, or a message naming what is missing
 * and how to fix it.
 */
export function streamOpsFromEnv(env: NodeJS.ProcessEnv): { ops: StreamOps } | { error: string } {
  const missing = ['STREAM_API_KEY', 'STREAM_API_SECRET'].filter((k) => !env[k]);
  if (missing.length) {
    return {
      error:
        `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set. ` +
        'Set them to your Stream app\'s key and secret, or run `botyard emulator` and export the STREAM_* lines it prints.',
    };
  }
  const client = createStreamClient({ apiKey: env.STREAM_API_KEY!, apiSecret: env.STREAM_API_SECRET!, baseUrl: env.STREAM_BASE_URL || undefined });
  return { ops: createStreamOps(client) };
}
