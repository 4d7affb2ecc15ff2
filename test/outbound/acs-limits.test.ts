/**
 * ACS's per-thread limits end to end: two instances (each its own adapter, with the real
 * @azure/communication-chat SDK, and its own Outbound) pace one thread's sends through the shared Redis
 * limiter, against the ACS emulator enforcing the documented limits (10 sends per 10 s and 30 per minute
 * per thread, here scaled ×10 on both sides). And: typing and read receipts are skipped, said once, in a
 * thread of 21 participants, and sent in one of 20.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { ConversationRef } from '../../src/adapters/adapter.ts';
import { startAcsEmulator, type AcsEmulator } from '../../src/emulator/acs/index.ts';
import { configuredLimits } from '../../src/outbound/limits.ts';
import { createOutbound, type Outbound } from '../../src/outbound/outbound.ts';
import { createRedisLimiter } from '../../src/outbound/redis-limiter.ts';
import { startAdapter, type Harness } from '../adapters/acs/helpers.ts';
import { logLines } from '../helpers/log-lines.ts';
import { deleteKeys, describeRedis, redisClient, redisUrl, uniqueName } from '../helpers/redis.ts';

/** The emulator's limits ×10: 100 sends per 10 s and 300 per minute per thread; botyard is told the same. */
const SCALE = 10;
const SENDS_PER_INSTANCE = 55;

describeRedis('ACS per-thread limits, shared by two instances through Redis', () => {
  let emulator: AcsEmulator;
  let admin: Redis;
  const prefix = uniqueName('acs-limits');
  const instances: Array<{ h: Harness; outbound: Outbound }> = [];
  const { log, lines } = logLines('info');

  beforeAll(async () => {
    emulator = await startAcsEmulator();
    admin = redisClient();
    const botUserId = emulator.admin.createUser('Botty').id;
    for (let i = 0; i < 2; i++) {
      const h = await startAdapter(emulator, { botUserId });
      const limits = configuredLimits({ acs: { send: { perMinute: 30 * SCALE } } });
      instances.push({ h, outbound: createOutbound({ limits, limiter: createRedisLimiter({ url: redisUrl, prefix }), log }) });
    }
  }, 30_000);

  afterAll(async () => {
    for (const { h, outbound } of instances) {
      await outbound.close();
      await h.adapter.stop();
    }
    await emulator?.close();
    await deleteKeys(admin, `${prefix}:*`);
    await admin?.quit();
  });

  /** A thread of the bot and `participants - 1` users, the first of whom created it. */
  const threadWith = (participants: number): { thread: ConversationRef; creator: string } => {
    const botId = instances[0]!.h.adapter.botUser!.id;
    const others = Array.from({ length: participants - 1 }, (_, i) => ({ id: emulator.admin.createUser(`User ${i}`).id }));
    const id = emulator.admin.createThread(others[0]!.id, { topic: `${participants} people`, participants: [{ id: botId, displayName: 'Botty' }, ...others] });
    return { thread: { platform: 'acs', id }, creator: others[0]!.id };
  };

  it(`${2 * SENDS_PER_INSTANCE} sends to one thread from two instances: within both windows, not one 429, each sent once`, async () => {
    emulator.faults.limits.enabled = true;
    emulator.faults.limits.scale = SCALE;
    try {
      const { thread } = threadWith(2);
      const fired = emulator.faults.fired;
      const sentAt: number[] = [];
      emulator.on('change', (c) => {
        if (c.kind === 'message.created' && c.threadId === thread.id && c.message.type === 'text') sentAt.push(c.at);
      });
      const started = Date.now();
      // Alone, each instance's local bucket would let 50 go at once and both together 100, the whole 10 s window.
      await Promise.all(instances.flatMap(({ h, outbound }, i) =>
        Array.from({ length: SENDS_PER_INSTANCE }, (_, n) => outbound.run(h.adapter, 'send', thread, (a) => a.send(thread, { text: `${i}/${n}` }))),
      ));
      console.log(`[acs limits] ${sentAt.length} sends from two instances took ${Date.now() - started} ms`);
      const texts = emulator.state.messages(thread.id).filter((m) => m.type === 'text').map((m) => m.content);
      expect(new Set(texts).size).toBe(2 * SENDS_PER_INSTANCE);
      expect(texts).toHaveLength(2 * SENDS_PER_INSTANCE);
      expect(emulator.faults.fired - fired).toBe(0);
      const most = (windowMs: number) => Math.max(...sentAt.map((t) => sentAt.filter((u) => u >= t && u < t + windowMs).length));
      expect(most(10_000)).toBeLessThanOrEqual(10 * SCALE);
      expect(most(60_000)).toBeLessThanOrEqual(30 * SCALE);
    } finally {
      emulator.faults.limits.enabled = false;
      emulator.faults.clear();
    }
  }, 120_000);

  it('typing and read receipts: skipped in a thread of 21, said once; sent in a thread of 20', async () => {
    const large = threadWith(21);
    const small = threadWith(20);
    const sizeOf = (id: string) => (id === large.thread.id ? 'large' : id === small.thread.id ? 'small' : 'other');
    const seen: string[] = [];
    emulator.on('change', (c) => {
      if (c.kind === 'typing' || c.kind === 'readReceipt') seen.push(`${c.kind} ${sizeOf(c.threadId)}`);
    });
    const { h, outbound } = instances[0]!;
    // Twice in the large thread (said once); once in the small one (the SDK sends a typing notification at most every 8 s).
    for (const [{ thread, creator }, times] of [[large, 2], [small, 1]] as const) {
      const messageId = emulator.admin.sendMessage(thread.id, creator, 'hello');
      for (let i = 0; i < times; i++) {
        await outbound.run(h.adapter, 'typing', thread, (a) => a.typing!(thread));
        await outbound.run(h.adapter, 'markRead', thread, (a) => a.markRead!(thread, messageId));
      }
    }
    expect(seen.sort()).toEqual(['readReceipt small', 'typing small']);
    expect(lines.filter((l) => typeof l.msg === 'string' && l.msg.includes('participants: typing and read receipts are skipped'))).toEqual([
      expect.objectContaining({ conversation: large.thread.id, participants: 21 }),
    ]);
  }, 60_000);
});
