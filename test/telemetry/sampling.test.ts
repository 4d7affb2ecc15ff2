/**
 * Sampling: an event's trace is whole or absent. With a parent-based ratio, each event delivered through
 * the Stream webhook onto the Redis queue is either recorded from webhook to outbound send, or leaves no
 * span at all (its handler and its reply never start traces of their own); with always_off nothing is
 * recorded while every event is still handled.
 */
import express from 'express';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createStreamAdapter } from '../../src/adapters/stream/index.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createRedisQueue } from '../../src/queue/redis.ts';
import { defineBot } from '../../src/runtime/bot.ts';
import { createLogger } from '../../src/runtime/log.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import { startHttpServer } from '../../src/server/http-server.ts';
import { createRedisStore } from '../../src/state/redis.ts';
import type { SamplerName } from '../../src/telemetry/sampler.ts';
import { startTracing, type Tracing } from '../../src/telemetry/setup.ts';
import { deleteKeys, describeRedis, redisClient, redisUrl, uniqueName } from '../helpers/redis.ts';
import { waitFor } from '../helpers/wait.ts';
import { deliver, inParallel, startStreamWorld, type StreamWorld } from '../production/stream-kit.ts';

const TREE = ['POST /webhooks/stream', 'ingest message.new', 'queue wait', 'handler echo/onMessage', 'stream send'];

describeRedis('tracing sampled by the default sampler: each event whole or absent', () => {
  let world: StreamWorld;
  let admin: Redis;
  let tracing: Tracing | undefined;
  const prefixes: string[] = [];

  beforeAll(async () => {
    world = await startStreamWorld();
    admin = redisClient();
  }, 30_000);
  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
  });
  afterAll(async () => {
    await world?.close();
    for (const prefix of prefixes) await deleteKeys(admin, `${prefix}:*`);
    await admin.quit();
  });

  /** Delivers `count` messages to one instance traced with `sampler`; the finished spans by trace. */
  async function run(sampler: SamplerName, sampleRatio: number, count: number, activeContext = false): Promise<Map<string, ReadableSpan[]>> {
    const exporter = new InMemorySpanExporter();
    tracing = startTracing({ exporter, simple: true, sampler, sampleRatio, activeContext });
    const prefix = uniqueName('sampling');
    prefixes.push(prefix);
    const config = await loadConfig({ env: { ...world.env, REDIS_URL: redisUrl }, config: { redisPrefix: prefix } });
    const store = createRedisStore({ url: redisUrl, prefix });
    const runtime = await createRuntime({
      config,
      log: createLogger({ level: 'silent' }),
      store,
      queue: createRedisQueue({ url: redisUrl, prefix }),
      adapters: [createStreamAdapter({ apiKey: world.emu.apiKey, apiSecret: world.emu.apiSecret, baseUrl: world.emu.url, bot: { id: 'botyard', name: 'Botyard' } })],
      bots: [
        defineBot({
          name: 'echo',
          setup: (b) =>
            void b.onMessage((ctx) => {
              // The bot's own span: under its handler's when the handler's context is active, never a trace of its own.
              if (activeContext) trace.getTracer('echo-bot').startSpan('bot work').end();
              return ctx.reply('seen');
            }),
        }),
      ],
      startSchedules: false,
    });
    await runtime.start();
    const server = await startHttpServer(runtime, express(), { port: 0, host: '127.0.0.1' });
    try {
      const items = await world.seed(prefix, 4, count / 4);
      await inParallel(items, 8, async (item) => void expect(await deliver(world, server.url, item)).toBe(200));
      await waitFor(() => world.answered(items) === count, { timeoutMs: 20_000, what: 'every event handled' });
      // The send span ends after the reply is stored: give the last ones a moment.
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await server.close();
      await runtime.stop(5000);
      await store.close();
    }
    const traces = new Map<string, ReadableSpan[]>();
    for (const span of exporter.getFinishedSpans()) {
      const id = span.spanContext().traceId;
      traces.set(id, [...(traces.get(id) ?? []), span]);
    }
    return traces;
  }

  it('a parent-based ratio records some events whole and leaves the others without a single span', async () => {
    const traces = await run('parentbased_traceidratio', 0.5, 40);
    // 40 events at 0.5: all or none recorded would be a 1 in 2^39 chance.
    expect(traces.size).toBeGreaterThan(0);
    expect(traces.size).toBeLessThan(40);
    for (const spans of traces.values()) expect(spans.map((s) => s.name).sort()).toEqual([...TREE].sort());
  }, 60_000);

  it('with the active context on, a bot\'s own spans follow their event: inside its trace, or not recorded', async () => {
    const traces = await run('parentbased_traceidratio', 0.5, 24, true);
    expect(traces.size).toBeGreaterThan(0);
    expect(traces.size).toBeLessThan(24);
    for (const spans of traces.values()) expect(spans.map((s) => s.name).sort()).toEqual([...TREE, 'bot work'].sort());
  }, 60_000);

  it('always_off records nothing, and every event is still handled', async () => {
    const traces = await run('always_off', 0, 8);
    expect(traces.size).toBe(0);
  }, 60_000);
});
