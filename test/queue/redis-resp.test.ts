/**
 * The Redis queue's own command encoder (src/queue/redis-resp.ts): what it writes is RESP that Redis
 * reads as the same arguments ioredis would send (pieces joined, UTF-8 measured in bytes), and a script
 * sent with it survives Redis having forgotten the script (NOSCRIPT: sent whole again).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { encodeCommand, respScript } from '../../src/queue/redis-resp.ts';
import { describeRedis, redisClient } from '../helpers/redis.ts';

it('encodes names, numbers, strings, bytes and pieces as RESP bulk strings', () => {
  const head = '{"é":1}';
  const out = encodeCommand('evalsha', ['abc', 0], ['h€', 12, Buffer.from('xy'), ['{"a":', Buffer.from('"…"'), '}'], '', [{ text: head, bytes: Buffer.byteLength(head) - 1 }, ',"b":2}']]);
  expect(out.toString('utf8')).toBe('*9\r\n$7\r\nevalsha\r\n$3\r\nabc\r\n$1\r\n0\r\n$4\r\nh€\r\n$2\r\n12\r\n$2\r\nxy\r\n$11\r\n{"a":"…"}\r\n$0\r\n\r\n$14\r\n{"é":1,"b":2}\r\n');
});

it('sends the script whole again when Redis answers NOSCRIPT', async () => {
  const sent: string[] = [];
  const loadedOnServer = new Set<string>();
  // A stand-in connection: remembers scripts sent whole, answers NOSCRIPT for an unknown SHA.
  const fake = {
    sendCommand(command: { toWritable(socket: object): Buffer; name: string; resolve(v: unknown): void; reject(e: Error): void }) {
      const text = command.toWritable(socket).toString('utf8');
      sent.push(command.name);
      const body = text.split('\r\n')[4]!;
      if (command.name === 'eval') {
        loadedOnServer.add(body);
        command.resolve('ok');
      } else if (loadedOnServer.size) command.resolve('ok');
      else command.reject(new Error('NOSCRIPT No matching script. Please use EVAL.'));
    },
  };
  const socket = {};
  const script = respScript('return 1');
  expect(await script.run(fake as unknown as Redis, [])).toBe('ok');
  expect(await script.run(fake as unknown as Redis, [])).toBe('ok');
  loadedOnServer.clear(); // Redis restarted, or its script cache was flushed
  expect(await script.run(fake as unknown as Redis, [])).toBe('ok');
  expect(await script.run(fake as unknown as Redis, [])).toBe('ok');
  expect(sent).toEqual(['eval', 'evalsha', 'evalsha', 'eval', 'evalsha']);
});

describeRedis('redis-resp on Redis', () => {
  let client: Redis;
  beforeAll(() => void (client = redisClient()));
  afterAll(async () => void (await client.quit()));

  it('runs a script whose arguments Redis reads back as sent, on a fresh connection and after', async () => {
    // A script of its own (a unique comment), so it is certainly not in Redis's cache yet.
    const script = respScript(`-- ${randomUUID()}\nreturn {ARGV[1], ARGV[2], ARGV[3], #ARGV}`);
    const args = ['héllo …', 42, ['{"x":', Buffer.from('"👋"'), '}']] as const;
    const want = ['héllo …', '42', '{"x":"👋"}', 3];
    expect(await script.run(client, args)).toEqual(want);
    expect(await script.run(client, args)).toEqual(want);
    client.disconnect(true);
    expect(await script.run(client, args)).toEqual(want);
  });
});

it('frames lengths of every size (1, 2, 3, 4, 5 digits)', () => {
  for (const n of [0, 9, 10, 99, 100, 999, 1000, 9999, 10000, 65536]) {
    const arg = 'x'.repeat(n);
    expect(encodeCommand('set', [], [arg]).toString('latin1')).toBe(`*2\r\n$3\r\nset\r\n$${n}\r\n${arg}\r\n`);
  }
});
