/** App settings (`GET`/`PATCH /app`, where `webhook_url` and `event_hooks` are set), rate limits, channel types. */
import { checkPreSendSetting } from '../before-send.ts';
import { inputError, notFound } from '../errors.ts';
import type { RateWindow } from '../faults.ts';
import type { Json, Route } from '../http.ts';
import { appResponse } from '../app-settings.ts';
import { channelConfig } from '../shapes.ts';

export function appRoutes(rates: RateWindow): Route[] {
  const channelTypes = new Map<string, Json>();
  // `permissions` and `grants` are SPEC-required on a channel type; the emulator enforces no permissions.
  for (const name of ['messaging', 'livestream', 'team', 'gaming', 'commerce']) channelTypes.set(name, { ...channelConfig(name), permissions: [], grants: {} });
  return [
    { method: 'GET', path: '/app', op: 'GetApp', handler: ({ store }) => ({ app: appResponse(store, channelTypes.keys()) }) },
    {
      method: 'PATCH',
      path: '/app',
      op: 'UpdateApp',
      handler: ({ body, store }) => {
        for (const [k, v] of Object.entries(body as Json)) {
          if (k === 'webhook_url') {
            if (v !== null && typeof v !== 'string') throw inputError('webhook_url must be a string');
            if (v && !/^https?:\/\//.test(v)) throw inputError('webhook_url must be an http(s) URL');
            store.app.webhook_url = v ? v : undefined;
          } else if (k === 'event_hooks') {
            if (v !== null && !Array.isArray(v)) throw inputError('event_hooks must be a list');
            store.app.event_hooks = ((v ?? []) as Json[]).map((h, i) => ({ id: String(h.id ?? i + 1), enabled: h.enabled !== false, ...h }));
          } else {
            checkPreSendSetting(k, v);
            store.app.custom[k] = v;
          }
        }
        // Stream announces no event for a settings change: the state file hears of it here.
        store.changed();
        return {};
      },
    },
    {
      method: 'GET',
      path: '/rate_limits',
      op: 'GetRateLimits',
      handler: ({ query, store }) => {
        const all = rates.snapshot(store.nowMs());
        const wanted = query.get('endpoints')?.split(',').filter(Boolean);
        const picked = wanted ? Object.fromEntries(wanted.map((e) => [e, all[e] ?? { limit: 1000, remaining: 1000, reset: 0 }])) : all;
        return { server_side: picked };
      },
    },
    { method: 'GET', path: '/channeltypes', op: 'ListChannelTypes', handler: () => ({ channel_types: Object.fromEntries(channelTypes) }) },
    {
      method: 'GET',
      path: '/channeltypes/:name',
      op: 'GetChannelType',
      handler: ({ params }) => {
        const t = channelTypes.get(params.name!);
        if (!t) throw notFound(`channel type "${params.name}" does not exist`);
        return { ...t };
      },
    },
    {
      method: 'POST',
      path: '/channeltypes',
      op: 'CreateChannelType',
      handler: ({ body }) => {
        const name = body.name;
        if (typeof name !== 'string' || !/^[\w-]+$/.test(name)) throw inputError('name is a required field');
        if (channelTypes.has(name)) throw inputError(`channel type "${name}" already exists`);
        const { commands: _c, ...settings } = body as Json;
        void _c;
        const t = { ...channelConfig(name), permissions: [], grants: {}, ...settings, commands: [] };
        channelTypes.set(name, t);
        return { ...t };
      },
    },
  ];
}
