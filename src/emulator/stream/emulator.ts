/** `startStreamEmulator()`: the Stream Chat REST emulator on loopback, with webhooks out and fault knobs. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { ADMIN_PREFIX, handleAdmin } from './admin-routes.ts';
import { recordAi, type StreamAiView } from './ai-records.ts';
import { installPreSend, type PreSendCall } from './before-send.ts';
import { Faults, RateWindow, RequestStats } from './faults.ts';
import { createListener } from './http.ts';
import { activityRoutes } from './routes/activity.ts';
import { appRoutes } from './routes/app.ts';
import { channelRoutes } from './routes/channels.ts';
import { memberRoutes } from './routes/members.ts';
import { messageDeleteRoutes } from './routes/message-delete.ts';
import { messageRoutes } from './routes/messages.ts';
import { moderationRoutes } from './routes/moderation.ts';
import { moderationReadRoutes } from './routes/moderation-reads.ts';
import { muteRoutes } from './routes/mutes.ts';
import { queryRoutes } from './routes/queries.ts';
import { roleRoutes } from './routes/roles.ts';
import { serveUpload, UploadStore, uploadRoutes } from './routes/uploads.ts';
import { userDeleteRoutes } from './routes/user-delete.ts';
import { userRoutes } from './routes/users.ts';
import { persistStreamStore, uploadsDirOf } from './persist.ts';
import { StreamStore, type StreamEvent } from './store.ts';
import { createStateView, type StreamStateView } from './view.ts';
import { WebhookDispatcher, type DeliveryRecord, type WebhookOptions } from './webhooks.ts';

export interface StreamEmulatorOptions {
  /** 0 (default) picks a free port. Avoid 3030: the SDK rewrites it for websockets. */
  port?: number;
  host?: string;
  apiKey?: string;
  apiSecret?: string;
  /** Where webhooks go (same as `PATCH /app { webhook_url }`). */
  webhookUrl?: string;
  /** The Before Message Send hook (same as `PATCH /app { before_message_send_hook_url }`). */
  beforeSendHookUrl?: string;
  webhook?: WebhookOptions;
  log?: Logger;
  /** Injected clock for timestamps, token expiry and bans. */
  now?: () => Date;
  deterministicIds?: boolean;
  maxBodyBytes?: number;
  /** Keep users, channels and messages in this JSON file across restarts (botyard dev); see persist.ts. */
  stateFile?: string;
}

export interface StreamEmulator {
  /** Base URL for `new StreamChat(key, secret, { baseURL })`. */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** STREAM_BASE_URL, STREAM_API_KEY, STREAM_API_SECRET. */
  env: Record<string, string>;
  state: StreamStateView;
  /** AI replies: indicator events and state per channel, every revision of each message. */
  ai: StreamAiView;
  faults: Faults;
  /** Requests per endpoint (operation id): `requests.count('SendMessage', 'ok')`. */
  requests: RequestStats;
  /** Every webhook delivery so far, with its attempts. */
  deliveries(): DeliveryRecord[];
  setWebhookUrl(url: string | undefined): void;
  /** Sets (or, with undefined, removes) `before_message_send_hook_url`. */
  setBeforeSendHookUrl(url: string | undefined): void;
  /** Every before-send hook call so far: outcome, status, time, and what a rejected sender got back. */
  preSendCalls(): PreSendCall[];
  /**
   * The change feed. `event`: every event the service announces, typing included, in order.
   * `delivery`: a webhook delivery finished (delivered or given up). Returns an unsubscribe function.
   */
  on(kind: 'event', listener: (event: StreamEvent) => void): () => void;
  on(kind: 'delivery', listener: (delivery: DeliveryRecord) => void): () => void;
  /** A before-send hook call finished (allowed, rewritten, rejected or failed open). */
  on(kind: 'preSend', listener: (call: PreSendCall) => void): () => void;
  /** Resolves with the first future event matching `match` (a type or a predicate); rejects after `timeoutMs`. */
  waitForEvent(match: string | ((e: StreamEvent) => boolean), timeoutMs?: number): Promise<StreamEvent>;
  /** Writes the state file now (when there is one). */
  saveState(): void;
  /** Resolves when no webhook delivery is in flight. */
  webhooksIdle(): Promise<void>;
  close(): Promise<void>;
}

export async function startStreamEmulator(options: StreamEmulatorOptions = {}): Promise<StreamEmulator> {
  const apiKey = options.apiKey ?? 'botyard_dev_key';
  const apiSecret = options.apiSecret ?? 'botyard_dev_secret_change_me';
  const app = { apiKey, apiSecret };
  const store = new StreamStore({ now: options.now, deterministicIds: options.deterministicIds });
  // Channel file/image uploads, served back as CDN links are: without credentials (kept beside the state file).
  const uploads = new UploadStore(options.stateFile ? uploadsDirOf(options.stateFile) : undefined);
  const persisted = options.stateFile ? persistStreamStore(store, options.stateFile, uploads) : undefined;
  const snapshot = persisted?.snapshot;
  const faults = new Faults();
  const stats = new RequestStats();
  const rates = new RateWindow();
  const webhooks = new WebhookDispatcher(store, app, faults, options.webhook ?? {}, options.log);
  const ai = recordAi(store);
  if (options.webhookUrl) store.app.webhook_url = options.webhookUrl;
  if (options.beforeSendHookUrl) store.app.custom.before_message_send_hook_url = options.beforeSendHookUrl;
  const releasePreSend = installPreSend(store, app, faults, options.log);
  store.feed.on('event', (e: StreamEvent) => webhooks.dispatch(e));

  const routes = [...userRoutes, ...channelRoutes, ...memberRoutes, ...messageRoutes, ...messageDeleteRoutes, ...activityRoutes, ...moderationRoutes, ...muteRoutes,
    ...moderationReadRoutes, ...appRoutes(rates), ...queryRoutes, ...userDeleteRoutes, ...roleRoutes];
  let url = '';
  routes.push(...uploadRoutes(uploads, () => url));
  const listener = createListener(routes, { store, faults, stats, rates, app, log: options.log, maxBodyBytes: options.maxBodyBytes ?? 5 * 1024 * 1024 });
  const admin = { app, faults, nowMs: () => store.nowMs() };
  const server: Server = createServer((req, res) =>
    void (req.url?.startsWith(ADMIN_PREFIX) ? handleAdmin(req, res, admin) : serveUpload(uploads, req, res) || listener(req, res)),
  );
  // Longer than any client's idle socket life: a client reusing a socket the server is just closing
  // sees ECONNRESET, which tests would count as a platform error that never happened.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  url = `http://${host}:${addr.port}`;
  persisted?.listening(url);
  options.log?.info({ url }, 'stream emulator listening');

  return {
    url,
    apiKey,
    apiSecret,
    env: { STREAM_BASE_URL: url, STREAM_API_KEY: apiKey, STREAM_API_SECRET: apiSecret },
    state: createStateView(store),
    ai,
    faults,
    requests: stats,
    deliveries: () => webhooks.deliveries.map((d) => ({ ...d, attempts: d.attempts.map((a) => ({ ...a })) })),
    setWebhookUrl: (u) => {
      store.app.webhook_url = u || undefined;
    },
    setBeforeSendHookUrl: (u) => {
      if (u) store.app.custom.before_message_send_hook_url = u;
      else delete store.app.custom.before_message_send_hook_url;
    },
    preSendCalls: () => store.preSendCalls.map((c) => structuredClone(c)),
    on: (kind: 'event' | 'delivery' | 'preSend', listener: (x: any) => void) => {
      store.feed.on(kind, listener);
      return () => void store.feed.off(kind, listener);
    },
    waitForEvent: (match, timeoutMs = 5000) =>
      new Promise<StreamEvent>((resolve, reject) => {
        const test = typeof match === 'string' ? (e: StreamEvent) => e.type === match : match;
        const onEvent = (e: StreamEvent) => {
          if (!test(e)) return;
          clearTimeout(timer);
          store.feed.off('event', onEvent);
          resolve(e);
        };
        const timer = setTimeout(() => {
          store.feed.off('event', onEvent);
          reject(new Error(`stream emulator: no matching event within ${timeoutMs} ms`));
        }, timeoutMs);
        store.feed.on('event', onEvent);
      }),
    webhooksIdle: () => webhooks.idle(),
    saveState: () => snapshot?.flush(),
    close: async () => {
      webhooks.close();
      releasePreSend();
      await webhooks.idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      snapshot?.close();
      store.feed.removeAllListeners();
    },
  };
}
