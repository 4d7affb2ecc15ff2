/**
 * What `bot.config.ts` may say, and what the environment may set. Both are validated with zod so that
 * a mistake is reported with the key that is wrong and the fix.
 */
import { z } from 'zod';
import type { RuntimeErrorHandler } from '../runtime/hooks.ts';
import { parseDurationText } from '../scheduler/timers/duration.ts';
import { eventGridSchema } from './event-grid-schema.ts';
import { containmentSchema, httpSchema, redisSchema } from './security-schema.ts';
import { optionalNonEmpty } from './env-text.ts';
import { otelEnvFixes, otelEnvShape } from './otel-env-schema.ts';
import { OTLP_PROTOCOLS } from '../telemetry/protocol.ts';

const callKindSchema = z.enum(['send', 'edit', 'delete', 'markRead', 'typing', 'ban', 'members', 'moderators', 'react', 'topic', 'moderate', 'aiIndicator', 'history']);
/** A timer late policy: 'fire', 'skip', or the most lateness to still fire at ('2h', or ms). */
const latePolicySchema = z.union([
  z.enum(['fire', 'skip']),
  z.number().int().nonnegative(),
  z.string().refine((s) => parseDurationText(s) !== undefined, "use 'fire', 'skip' or a duration such as '2h'"),
]);

const platformLimitsSchema = z.partialRecord(
  callKindSchema,
  z.object({ perMinute: z.number().positive(), burst: z.number().int().positive().optional() }).strict(),
);

/** The file part of the configuration: `export default defineConfig({...})` in bot.config.ts. */
export const fileConfigSchema = z
  .object({
    /** The runtime's own user on every platform. Bots speak as this user. */
    bot: z
      .object({
        id: z.string().regex(/^[a-zA-Z0-9@_-]+$/, 'use letters, digits, @, _ or -').default('botyard'),
        name: z.string().min(1).default('Botyard'),
      })
      .prefault({}),
    /** Folder of bots, relative to the config file. */
    botsDir: z.string().default('bots'),
    /** Per-bot configuration, by bot name; each bot validates its own part with its zod schema. */
    bots: z.record(z.string(), z.unknown()).default({}),
    /** How long one handler may run before it is abandoned and logged. */
    handlerTimeoutMs: z.number().int().positive().default(30_000),
    /** Bot-to-bot loop guard: at most this many bot messages per conversation within `windowMs`. */
    loopGuard: z
      .object({ maxBotMessages: z.number().int().positive().default(20), windowMs: z.number().int().positive().default(60_000) })
      .prefault({}),
    /** How long an inbound event id is remembered for dedupe. */
    dedupeTtlMs: z.number().int().positive().default(24 * 60 * 60 * 1000),
    /** Largest webhook body accepted, in bytes; larger is a 413. */
    maxBodyBytes: z.number().int().positive().default(1024 * 1024),
    /**
     * Outbound pacing per platform and call kind, replacing the documented defaults (src/outbound/limits.ts),
     * e.g. once Stream has raised your app's limits: `{ stream: { send: { perMinute: 10000 } } }`.
     */
    limits: z
      .object({ stream: platformLimitsSchema.optional(), acs: platformLimitsSchema.optional() })
      .strict()
      .prefault({}),
    acs: z
      .object({
        pollMinIntervalMs: z.number().int().positive().default(1000),
        pollMaxIntervalMs: z.number().int().positive().default(10_000),
        /**
         * Each thread is polled by one instance holding its lease (renewed by a heartbeat while alive,
         * released on stop); a dead instance's threads move to another within two of these periods.
         */
        leaseTtlMs: z.number().int().positive().default(15_000),
        /** Event Grid push on POST /webhooks/acs (security): see src/config/event-grid-schema.ts. */
        eventGrid: eventGridSchema,
      })
      .prefault({}),
    /**
     * Where state, the event queue and timers live (sqlite helper; see README "Stores"): 'memory' (nothing
     * survives the process), 'sqlite' (the default for start and dev: one durable file, one process),
     * or 'redis' (several instances; its URL from REDIS_URL or redisUrl). Unset: Redis when a Redis URL
     * is set, else SQLite at .botyard/botyard.db next to this file.
     */
    store: z
      .preprocess(
        (v) => (typeof v === 'string' ? { kind: v } : v),
        z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('memory') }).strict(),
          z
            .object({
              kind: z.literal('sqlite'),
              /** The database file, relative to this file. Default .botyard/botyard.db. */
              path: z.string().min(1).optional(),
              /** 'normal': survives a process crash or kill; 'full': also power loss, at an fsync per commit. */
              synchronous: z.enum(['normal', 'full']).default('normal'),
            })
            .strict(),
          z.object({ kind: z.literal('redis') }).strict(),
        ]),
      )
      .optional(),
    /** Use Redis for state and the queue; the REDIS_URL environment variable wins over this. */
    redisUrl: z.string().url().optional(),
    /**
     * Namespace of everything botyard keeps in Redis: every key starts with `<prefix>:` (state, the event
     * queue and its dead letters `<prefix>:queue:events:*`, timers, shared limits).
     * Instances that share work share it; two deployments on one Redis use two prefixes.
     */
    redisPrefix: z.string().regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, _ or -').default('botyard'),
    /** The Redis and SQLite queues (lockMs, stalledCheckMs: Redis only); see src/queue/redis.ts for what each costs. */
    queue: z
      .object({
        /** Events one instance works at once. */
        concurrency: z.number().int().positive().default(32),
        /**
         * false: this instance accepts events (webhooks, ACS polls) into the queue and works none of them,
         * nor timers or schedules: other instances on the same Redis do (`botyard start --ingest-only`).
         * Redis only: on SQLite or memory nothing else could work them.
         */
        work: z.boolean().default(true),
        /** Tries per event before it is dead-lettered. */
        maxAttempts: z.number().int().positive().default(3),
        /** First retry delay; doubles each try. */
        backoffMs: z.number().int().positive().default(1000),
        /** A crashed instance's in-flight events run again elsewhere after about lockMs + stalledCheckMs. */
        lockMs: z.number().int().positive().default(30_000),
        stalledCheckMs: z.number().int().positive().default(15_000),
      })
      .prefault({}),
    /** One-off timers (bot.timer, ctx.timers): retries, lateness, how long a fired id stays taken. See src/scheduler/timers/policy.ts. */
    timers: z
      .object({
        /** Tries per timer before it is kept as failed. */
        maxAttempts: z.number().int().positive().default(5),
        /** Wait before the second try; doubles each try (at most ten minutes). */
        backoffMs: z.number().int().positive().default(5000),
        /** A timer firing more than this after its due time is late (`ctx.timer.late`). */
        lateAfterMs: z.number().int().nonnegative().default(60_000),
        /** How long a fired timer's id stays taken, so a retried handler never schedules it again. */
        keepFiredMs: z.number().int().positive().default(24 * 60 * 60 * 1000),
        /** Due timers one instance runs at once. */
        concurrency: z.number().int().positive().default(16),
        /** Late policy by `<bot>/<timer name>`, over the bot's own: `{ 'reminders/reminder': '2h' }`. */
        late: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*\/[\w.-]+$/i, "write '<bot>/<timer name>'"), latePolicySchema).default({}),
      })
      .strict()
      .prefault({}),
    /**
     * `bot.beforeSend` handlers (Stream's Before Message Send hook): every handler of every bot runs within
     * `budgetMs`, which must stay below the platform's own timeout (Stream: 1500 ms per attempt by default).
     * When the budget runs out, or a handler throws, `policy` decides: `failOpen` lets the message through
     * (as Stream does when its hook fails), `failClosed` rejects it.
     */
    beforeSend: z
      .object({
        budgetMs: z.number().int().min(10, 'give the handlers at least 10 ms').max(4500, 'Stream waits at most 5000 ms for the hook; stay below it').default(1000),
        policy: z.enum(['failOpen', 'failClosed']).default('failOpen'),
      })
      .strict()
      .prefault({}),
    /**
     * ctx.stream(): how a streamed reply's message is updated while a model writes it (Stream and the
     * local platform; ACS shows typing and sends once). When the budget is spent, streams take turns;
     * a partial update is never queued: the next one carries all the text so far.
     */
    streaming: z
      .object({
        /** At least this long between two partial updates of one message. */
        updateIntervalMs: z.number().int().min(50).default(500),
        /**
         * Partial updates per minute across every stream of this instance. Stream allows 1,000 message
         * updates a minute per app: the rest stays for final updates and ctx.editMessage().
         */
        partialUpdatesPerMinute: z.number().positive().default(600),
      })
      .strict()
      .prefault({}),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Security (issue 12): HTTP limits, bot containment, Redis durability; see src/config/security-schema.ts. */
    http: httpSchema,
    containment: containmentSchema,
    redis: redisSchema,
    // --- firstday (issue 16): a runtime-wide error hook, for alerting ---
    /** `onError(error, info)`: called for every failed handler run of every bot (src/runtime/hooks.ts). */
    onError: z
      .custom<RuntimeErrorHandler>((v) => typeof v === 'function', 'must be a function (error, info) => ...')
      .optional(),
    /** On SIGTERM/SIGINT, how long in-flight handlers may finish before the process exits anyway (match your orchestrator's grace period). */
    shutdownTimeoutMs: z.number().int().positive().default(10_000),
    // --- scale (issue 17): tracing ---
    /**
     * OpenTelemetry traces (src/telemetry/): off unless an OTLP endpoint is set here or in
     * OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (those win).
     */
    tracing: z
      .object({
        /** false keeps tracing off even when the environment names an endpoint. */
        enabled: z.boolean().optional(),
        /** OTLP/HTTP base URL of a collector, e.g. http://otel-collector:4318 (spans go to <endpoint>/v1/traces). */
        endpoint: z.string().regex(/^https?:\/\/\S+$/, 'expected an http(s):// URL such as http://otel-collector:4318').optional(),
        /** service.name of the spans. Default 'botyard' (OTEL_SERVICE_NAME wins). */
        serviceName: z.string().min(1).optional(),
        /**
         * Share of events traced, 0..1 (default 1, src/telemetry/sampler.ts), under maxTracesPerSecond.
         * OTEL_TRACES_SAMPLER_ARG wins; OTEL_TRACES_SAMPLER names a sampler exactly as the OTel spec defines
         * it, with no cap. Every span of an event, retries included, follows the choice made where it entered.
         */
        sampleRatio: z.number().min(0).max(1).optional(),
        /**
         * At most this many new traces a second per process (default 10; false: no cap). A recorded event costs
         * tens of µs of CPU (its spans built and exported), one not recorded about one: the cap keeps tracing's
         * cost fixed however busy the instance gets, while a quiet one has every event traced.
         */
        maxTracesPerSecond: z.union([z.number().positive(), z.literal(false)]).optional(),
        /**
         * Make each handler's span the active context, so spans your bot's own code starts nest under it.
         * Default on Node 24+; on Node 20 and 22 it cost ~10 µs per event (AsyncLocalStorage hooks every promise),
         * measured before the containment handler scope put an AsyncLocalStorage in every process.
         */
        activeContext: z.boolean().optional(),
        /**
         * How spans are encoded on the wire: 'http/protobuf' (the OTLP default, and the one every OTLP/HTTP
         * receiver must accept) or 'http/json'. OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL win.
         */
        protocol: z.enum(OTLP_PROTOCOLS, { error: `use ${OTLP_PROTOCOLS.join(' or ')}: botyard exports OTLP over HTTP (a collector's port 4318)` }).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type FileConfigInput = z.input<typeof fileConfigSchema>;
export type FileConfig = z.output<typeof fileConfigSchema>;

/** The environment part: secrets and deployment settings. `loadConfig` is the only reader of process.env. */
export const envSchema = z.object({
  STREAM_API_KEY: optionalNonEmpty,
  STREAM_API_SECRET: optionalNonEmpty,
  STREAM_BASE_URL: optionalNonEmpty.pipe(z.string().url().optional()),
  ACS_CONNECTION_STRING: optionalNonEmpty.pipe(
    z.string().regex(/^endpoint=https?:\/\/[^;]+;accesskey=.+$/i, 'expected endpoint=https://<resource>/;accesskey=<base64 key>').optional(),
  ),
  ACS_BOT_USER_ID: optionalNonEmpty,
  /** PEM file of a CA to trust for ACS (the emulator's self-signed certificate). */
  ACS_CA_PATH: optionalNonEmpty,
  REDIS_URL: optionalNonEmpty.pipe(z.string().regex(/^rediss?:\/\//, 'expected redis://host:port').optional()),
  PORT: optionalNonEmpty.pipe(z.coerce.number<string | undefined>().int().min(0).max(65535).optional()),
  /** The Event Grid subscription URL's secret (`?secret=…`), and the one it replaces while you rotate. */
  ACS_EVENTGRID_SECRET: optionalNonEmpty.pipe(z.string().min(16, 'use at least 16 characters').optional()),
  ACS_EVENTGRID_SECRET_PREVIOUS: optionalNonEmpty.pipe(z.string().min(16, 'use at least 16 characters').optional()),
  /** `1`/`true`: the same as `redis.allowVolatile: true` (tests on a Redis without persistence). */
  BOTYARD_REDIS_ALLOW_VOLATILE: optionalNonEmpty.pipe(z.enum(['1', 'true', '0', 'false']).optional()),
  LOG_LEVEL: optionalNonEmpty,
  NODE_ENV: optionalNonEmpty,
  // OpenTelemetry's standard variables (otel-env-schema.ts).
  ...otelEnvShape,
  // Proxies for outbound HTTP, as axios reads them: only their presence is used here (client.ts).
  HTTPS_PROXY: optionalNonEmpty,
  HTTP_PROXY: optionalNonEmpty,
  ALL_PROXY: optionalNonEmpty,
  https_proxy: optionalNonEmpty,
  http_proxy: optionalNonEmpty,
  all_proxy: optionalNonEmpty,
});

/** The environment variables that make outbound HTTP go through a proxy. */
export const PROXY_VARIABLES = ['HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY', 'https_proxy', 'http_proxy', 'all_proxy'] as const;

export type EnvConfig = z.output<typeof envSchema>;

/** The fixes we can suggest for an environment key, so errors say what to do. */
export const envFixes: Record<string, string> = {
  STREAM_API_KEY: 'set it to your Stream app key (Dashboard → App → API key), or unset both Stream keys to use the emulator in `botyard dev`',
  STREAM_API_SECRET: 'set it to your Stream app secret, or unset both Stream keys to use the emulator in `botyard dev`',
  STREAM_BASE_URL: 'leave it unset for Stream\'s cloud, or set a full URL such as http://127.0.0.1:4100',
  ACS_CONNECTION_STRING: 'copy it from Azure portal → Communication Service → Keys, e.g. endpoint=https://x.communication.azure.com/;accesskey=...',
  REDIS_URL: 'use redis://host:6379 (or rediss:// for TLS), or unset it to keep state in the SQLite file (.botyard/botyard.db)',
  PORT: 'use a port number such as 3000',
  ACS_EVENTGRID_SECRET: 'generate one with `openssl rand -hex 32` and put the same value in the subscription URL (…/webhooks/acs?secret=<it>)',
  ACS_EVENTGRID_SECRET_PREVIOUS: 'set it to the old secret only while the subscription still uses it, then unset it',
  BOTYARD_REDIS_ALLOW_VOLATILE: 'use 1 or true (or unset it)',
  ...otelEnvFixes,
};
