/**
 * localEvents (src/queue/redis-local.ts): the Redis queue's in-memory copies of events it accepted are
 * a bounded cache: finished ones go, and so do ones nobody here finished (another instance worked them)
 * once too old or too many, oldest first.
 */
import { expect, it } from 'vitest';
import { localEvents } from '../../src/queue/redis-local.ts';
import { makeEvent } from './queue.contract.ts';

it('answers what was kept until it is deleted', () => {
  const local = localEvents(10, 1000, () => 0);
  const e = makeEvent('c1', 1, 'e1');
  local.set('e1', e);
  expect(local.get('e1')).toBe(e);
  local.delete('e1');
  expect(local.get('e1')).toBeUndefined();
});

it('drops the oldest entries past its cap', () => {
  const local = localEvents(2, 1000, () => 0);
  for (const id of ['a', 'b', 'c']) local.set(id, makeEvent('c1', 1, id));
  expect([local.get('a'), local.get('b')?.id, local.get('c')?.id]).toEqual([undefined, 'b', 'c']);
});

it('drops entries older than its age limit as new ones arrive (every 64 of them)', () => {
  let t = 0;
  const local = localEvents(10, 1000, () => t);
  local.set('old', makeEvent('c1', 1, 'old'));
  t = 600;
  local.set('mid', makeEvent('c1', 2, 'mid'));
  t = 1500;
  // Swept every 64 sets.
  for (let i = 0; i < 64; i++) local.set('new', makeEvent('c1', 3, 'new'));
  expect([local.get('old'), local.get('mid')?.id, local.get('new')?.id]).toEqual([undefined, 'mid', 'new']);
});
