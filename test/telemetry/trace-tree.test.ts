/**
 * One event's whole trace across two instances, collected with OpenTelemetry's in-memory exporter:
 * instance A takes the Stream webhook, ingests it onto the Redis queue and fails its handler; A stops;
 * instance B works the retry, continuing the same trace (the context travels in the queued event),
 * and replies. Also: trace ids in log lines and in dead letters, and a root span per schedule tick and
 * per timer run, with the timer's outbound calls under it.
 */
import { Writable } from 'node:stream';
import express from 'express';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createStreamAdapter } from '../../src/adapters/stream/index.ts';
import { applyFaults } from '../../src/emulator/faults.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createRedisLimiter } from '../../src/outbound/redis-limiter.ts';
import { createRedisQueue } from '../../src/queue/redis.ts';
import { defineBot, type BotDefinition } from '../../src/runtime/bot.ts';
import { createLogger } from '../../src/runtime/log.ts';
import { createRuntime, type Runtime } from '../../src/runtime/runtime.ts';
import { startHttpServer, type HttpServer } from '../../src/server/http-server.ts';
import { createRedisStore } from '../../src/state/redis.ts';
import { startTracing, type Tracing } from '../../src/telemetry/setup.ts';
import { deleteKeys, describeRedis, redisClient, redisUrl, uniqueName } from '../helpers/redis.ts';
import { waitFor } from '../helpers/wait.ts';
import { deliver, startStreamWorld, type StreamWorld } from '../production/stream-kit.ts';

interface Instance {
  name: string;
  runtime: Runtime;
  server: HttpServer;
  stop(): Promise<void>;
}

for (const activeContext of [false, true]) describeRedis(`tracing (activeContext ${activeContext}): one event from webhook to reply, across two instances`, () => {
  const exporter = new InMemorySpanExporter();
  const lines: Array<Record<string, unknown>> = [];
  const logs = new Writable({ write: (chunk, _enc, done) => void (lines.push(JSON.parse(String(chunk))), done()) });
  let tracing: Tracing;
  let world: StreamWorld;
  let admin: Redis;
  const prefix = uniqueName('trace');

  /** Fails every message on instance A; on B replies, or fails messages that say so (→ dead letter). */
  const bot = (instance: string): BotDefinition =>
    defineBot({
      name: 'flaky',
      setup(b) {
        b.onMessage(async (ctx) => {
          ctx.log.info('flaky: handling');
          // A bot's own span: a child of its handler's span when the handler's span is the active context.
          trace.getTracer('flaky-bot').startSpan('bot work').end();
          if (instance === 'A' || ctx.message!.text.includes('always-fail')) throw new Error(`fails on ${instance}`);
          if (ctx.message!.text.includes('timer please')) await ctx.timers.schedule('nudge', { in: 50 });
          await ctx.reply(`ok from ${instance}`);
        });
        b.timer('nudge', async (ctx) => {
          ctx.log.info('nudge');
          await ctx.send('nudged');
        });
        b.schedule('0 0 1 1 *', { target: 'stream:messaging:trace-0', name: 'nightly' }, async (ctx) => {
          ctx.log.info('tick');
        });
      },
    });

  const start = async (name: string): Promise<Instance> => {
    const config = await loadConfig({ env: { ...world.env, REDIS_URL: redisUrl }, config: { redisPrefix: prefix, queue: { maxAttempts: 2, backoffMs: 300 } } });
    const log = createLogger({ level: 'info', destination: logs }).child({ instance: name });
    const store = createRedisStore({ url: redisUrl, prefix });
    const runtime = await createRuntime({
      config,
      log,
      store,
      queue: createRedisQueue({ url: redisUrl, prefix, maxAttempts: 2, backoffMs: 300, stalledInterval: 500, lockDuration: 2000, log }),
      outboundLimiter: createRedisLimiter({ url: redisUrl, prefix }),
      adapters: [createStreamAdapter({ apiKey: world.emu.apiKey, apiSecret: world.emu.apiSecret, baseUrl: world.emu.url, bot: { id: 'botyard', name: 'Botyard' } })],
      bots: [bot(name)],
      startSchedules: false,
    });
    await runtime.start();
    const server = await startHttpServer(runtime, express(), { port: 0, host: '127.0.0.1' });
    return {
      name,
      runtime,
      server,
      async stop() {
        await server.close();
        await runtime.stop(5000);
        await store.close();
      },
    };
  };

  beforeAll(async () => {
    tracing = startTracing({ exporter, simple: true, activeContext });
    world = await startStreamWorld();
    admin = redisClient();
  }, 30_000);
  afterAll(async () => {
    await tracing?.shutdown();
    await world?.close();
    await deleteKeys(admin, `${prefix}:*`);
    await admin.quit();
  });

  const spansOf = (traceId: string) => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
  const named = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);

  it('webhook → ingest → queue wait → handler (A, failed) + handler (B, retry) → stream send, one trace', async () => {
    const a = await start('A');
    const [item] = await world.seed('trace', 1, 1);
    expect(await deliver(world, a.server.url, item!)).toBe(200);
    await waitFor(() => exporter.getFinishedSpans().some((s) => s.name === 'handler flaky/onMessage'), { what: 'A to fail the first try' });
    await a.stop();
    // B's send is refused once (503): its retry is an event on the send span, and its log line names the trace.
    applyFaults({ stream: world.emu.faults }, 'stream:send:503x1');
    const b = await start('B');
    try {
      await waitFor(() => world.answered([item!]) === 1, { timeoutMs: 15_000, what: 'B to answer the retry' });
      await waitFor(() => exporter.getFinishedSpans().some((s) => s.name === 'stream send'), { what: 'the send span' });
    } finally {
      await b.stop();
    }

    const webhook = exporter.getFinishedSpans().find((s) => s.name === 'POST /webhooks/stream')!;
    expect(webhook).toBeDefined();
    const spans = spansOf(webhook.spanContext().traceId);
    const [ingest] = named(spans, 'ingest message.new');
    const [wait] = named(spans, 'queue wait');
    const handlers = named(spans, 'handler flaky/onMessage').sort((x, y) => Number(x.attributes['botyard.attempt']) - Number(y.attributes['botyard.attempt']));
    const [send] = named(spans, 'stream send');
    expect(parentOf(webhook)).toBeUndefined();
    expect(webhook.attributes['http.response.status_code']).toBe(200);
    expect(parentOf(ingest!)).toBe(webhook.spanContext().spanId);
    expect(ingest!.attributes['botyard.ingest.outcome']).toBe('accepted');
    expect(parentOf(wait!)).toBe(ingest!.spanContext().spanId);
    // Which instance ran which try: the log line each handler wrote names its instance and its span.
    const ranOn = (h: ReadableSpan) => lines.find((l) => l.msg === 'flaky: handling' && l.span_id === h.spanContext().spanId)?.instance;
    expect(handlers.map((h) => [h.attributes['botyard.attempt'], ranOn(h), h.status.code, parentOf(h)])).toEqual([
      [1, 'A', 2, ingest!.spanContext().spanId],
      [2, 'B', 0, ingest!.spanContext().spanId],
    ]);
    expect(handlers[0]!.events.some((e) => e.name === 'exception')).toBe(true);
    // The bot's own spans nest under its handler only when the handler's span is the active context.
    const own = exporter.getFinishedSpans().filter((x) => x.name === 'bot work');
    expect(own.map(parentOf)).toEqual(activeContext ? handlers.map((h) => h.spanContext().spanId) : [undefined, undefined]);
    expect(parentOf(send!)).toBe(handlers[1]!.spanContext().spanId);
    expect(send!.attributes['botyard.conversation']).toBe(`stream:${item!.cid}`);
    expect(send!.events.filter((e) => e.name === 'retry').map((e) => e.attributes?.['http.response.status_code'])).toEqual([503]);
    expect(lines.filter((l) => l.msg === 'outbound call failed; retrying')).toEqual([
      expect.objectContaining({ instance: 'B', status: 503, trace_id: webhook.spanContext().traceId, span_id: send!.spanContext().spanId }),
    ]);
    // The queue's line about A's failed try names the trace too.
    expect(lines.filter((l) => l.msg === 'event failed; retrying' && l.eventId === ingest!.attributes['botyard.event.id'])).toEqual([
      expect.objectContaining({ instance: 'A', trace_id: webhook.spanContext().traceId }),
    ]);

    // Every log line written inside the trace carries its trace id and the span that wrote it.
    const handling = lines.filter((l) => l.msg === 'flaky: handling');
    expect(handling.map((l) => [l.instance, l.trace_id, l.span_id])).toEqual([
      ['A', webhook.spanContext().traceId, handlers[0]!.spanContext().spanId],
      ['B', webhook.spanContext().traceId, handlers[1]!.spanContext().spanId],
    ]);
  }, 60_000);

  describe('dead letters and schedules', () => {
    it('a dead letter names its trace; a schedule tick is a root span of its own', async () => {
      const b = await start('B');
      try {
        const [item] = await world.seed('dead', 1, 1, () => 'always-fail please');
        expect(await deliver(world, b.server.url, item!)).toBe(200);
        const [letter] = await waitFor(async () => {
          const all = await b.runtime.queue.deadLetters();
          return all.length ? all : undefined;
        }, { timeoutMs: 15_000, what: 'the dead letter' });
        const ingest = exporter.getFinishedSpans().find((s) => s.name === 'ingest message.new' && s.attributes['botyard.event.id'] === letter!.event.id)!;
        expect(letter!.traceId).toBe(ingest.spanContext().traceId);
        expect(lines.filter((l) => l.msg === 'event dead-lettered' && l.eventId === letter!.event.id)).toEqual([
          expect.objectContaining({ trace_id: ingest.spanContext().traceId, attempts: 2 }),
        ]);

        await b.runtime.scheduler.runNow('flaky:nightly', new Date('2030-01-01T00:00:00Z'));
        const tick = exporter.getFinishedSpans().find((s) => s.name.startsWith('schedule flaky/'))!;
        expect(tick).toBeDefined();
        expect(parentOf(tick)).toBeUndefined();
        expect(lines.find((l) => l.msg === 'tick')?.trace_id).toBe(tick.spanContext().traceId);
      } finally {
        await b.stop();
      }
    }, 60_000);

    it('a timer run is a root span of its own, with its outbound calls under it', async () => {
      const b = await start('B');
      try {
        const [item] = await world.seed('nudge', 1, 1, () => 'timer please');
        expect(await deliver(world, b.server.url, item!)).toBe(200);
        const timer = await waitFor(() => exporter.getFinishedSpans().find((s) => s.name === 'timer flaky/nudge'), { timeoutMs: 15_000, what: 'the timer span' });
        const send = await waitFor(() => exporter.getFinishedSpans().find((s) => s.name === 'stream send' && parentOf(s) === timer.spanContext().spanId), { what: 'the timer\'s send span' });
        expect(parentOf(timer)).toBeUndefined();
        expect(timer.attributes['botyard.timer']).toBe('nudge');
        expect(send.attributes['botyard.conversation']).toBe(`stream:${item!.cid}`);
        expect(lines.find((l) => l.msg === 'nudge')).toMatchObject({ trace_id: timer.spanContext().traceId, span_id: timer.spanContext().spanId });
      } finally {
        await b.stop();
      }
    }, 60_000);
  });
});
