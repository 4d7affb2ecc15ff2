/**
 * Stops reaching streams: at once on the instance that received the stop, through the state store
 * (memory, and real Redis shared by two "instances") on the others; a redelivered old stop never stops
 * a newer stream; the ingest wrapper signals only accepted stops.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/adapters/adapter.ts';
import { createStreamStops, withStreamStops } from '../../src/runtime/stream-stops.ts';
import { createMemoryStore } from '../../src/state/memory.ts';
import { createRedisStore } from '../../src/state/redis.ts';
import type { StateStore } from '../../src/state/store.ts';
import { describeRedis, redisUrl, uniqueName } from '../helpers/redis.ts';

const room = { platform: 'stream' as const, id: 'messaging:room' };
const stopEvent = (id: string): InboundEvent => ({ id, type: 'ai_indicator.stop', platform: 'stream', conversation: room, sender: { id: 'kim' }, occurredAt: new Date().toISOString(), raw: {} });

function contract(name: string, makeStore: () => StateStore) {
  describe(name, () => {
    it('aborts this instance\'s streams at once, and another instance\'s on its next check', async () => {
      const store = makeStore();
      const here = createStreamStops({ store });
      const there = createStreamStops({ store });
      const local = await here.open(room);
      const remote = await there.open(room);
      const elsewhere = await there.open({ platform: 'stream', id: 'messaging:other' });
      expect(here.active()).toEqual(new Map([['stream:messaging:room', 1]]));

      expect(await here.stop(stopEvent('stop-1'))).toBe(1);
      expect(local.signal.aborted).toBe(true);
      expect(remote.signal.aborted).toBe(false);
      await remote.check();
      await elsewhere.check();
      expect(remote.signal.aborted).toBe(true);
      expect(elsewhere.signal.aborted).toBe(false);
      for (const h of [local, remote, elsewhere]) h.close();
      expect(here.active().size).toBe(0);
    });

    it('a stop seen before a stream opened, or redelivered later with the same id, does not stop it', async () => {
      const store = makeStore();
      const here = createStreamStops({ store });
      const there = createStreamStops({ store });
      await here.stop(stopEvent('old'));
      const stream = await there.open(room);
      await here.stop(stopEvent('old'));
      await stream.check();
      expect(stream.signal.aborted).toBe(false);
      await here.stop(stopEvent('new'));
      await stream.check();
      expect(stream.signal.aborted).toBe(true);
      stream.close();
    });
  });
}

contract('stream stops on the memory store', () => createMemoryStore());

const redisStores: StateStore[] = [];
afterAll(async () => {
  await Promise.all(redisStores.map((s) => s.close()));
});
describeRedis('stream stops on Redis', () => {
  contract('two instances sharing one Redis', () => {
    const store = createRedisStore({ url: redisUrl, prefix: uniqueName('stops') });
    redisStores.push(store);
    return store;
  });
});

describe('withStreamStops', () => {
  it('signals accepted stops only; other events pass straight through', async () => {
    const stops = createStreamStops({ store: createMemoryStore() });
    const outcomes: Array<'accepted' | 'duplicate' | 'ignored'> = ['duplicate', 'ignored', 'accepted'];
    const seen: string[] = [];
    const sink = withStreamStops(async (e) => (seen.push(e.type), e.type === 'ai_indicator.stop' ? outcomes.shift()! : 'accepted'), stops);
    const stream = await stops.open(room);
    await sink({ ...stopEvent('x'), type: 'message.new' });
    await sink(stopEvent('d'));
    await sink(stopEvent('i'));
    expect(stream.signal.aborted).toBe(false);
    await sink(stopEvent('a'));
    expect(stream.signal.aborted).toBe(true);
    expect(seen).toEqual(['message.new', 'ai_indicator.stop', 'ai_indicator.stop', 'ai_indicator.stop']);
  });

  it('still stops the stream when queueing the stop failed (the platform will redeliver it)', async () => {
    const stops = createStreamStops({ store: createMemoryStore() });
    const sink = withStreamStops(async () => {
      throw new Error('queue down');
    }, stops);
    const stream = await stops.open(room);
    await expect(sink(stopEvent('s'))).rejects.toThrow('queue down');
    expect(stream.signal.aborted).toBe(true);
  });
});
