/**
 * Reading the Redis queue's script replies (redis-scripts.ts): the flat arrays its claim, accept and ack
 * scripts answer with, turned into the items a worker runs.
 */
import type { InboundEvent } from '../adapters/adapter.ts';

/** An event handed to a worker: its entry id, JSON ('' when not asked for, null when it vanished), failed tries and stalls. */
export interface Item {
  id: string;
  json: string | null;
  /** The event itself, when this instance accepted it and still holds it (no JSON needed). */
  event?: InboundEvent;
  tries: number;
  stalls: number;
}

/** Reads `n` then n items from `reply` at `at`; answers the items and where reading stopped. */
export function readItems(reply: Array<string | number | null>, at: number): { items: Item[]; at: number } {
  const n = Number(reply[at++]);
  const items: Item[] = [];
  for (let i = 0; i < n; i++, at += 4) {
    items.push({ id: String(reply[at]), json: reply[at + 1] === null ? null : String(reply[at + 1]), tries: Number(reply[at + 2]), stalls: Number(reply[at + 3]) });
  }
  return { items, at };
}

/** One event's answer from the ack script: 0 lost (another owner took it), 1 ok, 2 released, 3 more (its next items). */
export type AckAnswer = { status: 0 | 1 | 2 | 3; items: Item[] };

/** Reads the ack script's answers for `events` events; `at` is where the conversations it claimed start. */
export function readAckReply(reply: Array<string | number | null>, events: number): { answers: AckAnswer[]; at: number } {
  const answers: AckAnswer[] = [];
  let at = 0;
  while (answers.length < events) {
    const status = Number(reply[at++]) as AckAnswer['status'];
    const read = readItems(reply, at);
    at = read.at;
    answers.push({ status, items: read.items });
  }
  return { answers, at };
}
