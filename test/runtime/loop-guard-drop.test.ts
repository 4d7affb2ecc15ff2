/**
 * A bot message the loop guard drops is a dispatch outcome like any other: the runtime's `dispatched`
 * event carries it (no runs, the reason in `outcome.dropped`), so the console's inspector line says why
 * nothing ran instead of staying "running…".
 */
import { afterEach, expect, it } from 'vitest';
import { defineBot } from '../../src/index.ts';
import { createTestRuntime, type TestRuntime } from '../../src/testing/index.ts';
import type { DispatchOutcome, HandlerRun } from '../../src/runtime/dispatcher.ts';
import { createInspector } from '../../src/console/inspector.ts';

let t: TestRuntime | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

it('reports each dropped bot message with the reason, and the inspector line says it', async () => {
  const pinger = defineBot({ name: 'pinger', setup: (b) => void b.options({ acceptBotMessages: true }).onMessage((ctx) => ctx.send('ping')) });
  t = await createTestRuntime({ bots: [pinger], config: { loopGuard: { maxBotMessages: 2, windowMs: 60_000 } } });
  const inspector = createInspector(t.runtime);
  const seen: Array<{ id: string; runs: HandlerRun[]; outcome?: DispatchOutcome }> = [];
  t.runtime.events.on('dispatched', (event, runs, outcome) => seen.push({ id: event.id, runs, ...(outcome ? { outcome } : {}) }));
  const robo = t.user('robo', 'Robo', { isBot: true });
  for (let i = 0; i < 4; i++) await robo.say('c', `pong ${i}`);

  expect(t.botMessages('c')).toHaveLength(2);
  // Every one of the four messages was reported: two ran, two were dropped with the reason.
  expect(seen).toHaveLength(4);
  const dropped = seen.filter((s) => s.outcome?.dropped);
  expect(dropped).toHaveLength(2);
  for (const d of dropped) {
    expect(d.runs).toEqual([]);
    expect(d.outcome!.dropped).toMatch(/^loop guard: bots sent 2 messages in this conversation within 60 s.*loopGuard\.maxBotMessages/);
  }
  const line = inspector.entries().find((e) => e.id === dropped[0]!.id)!;
  expect(line.runs).toEqual([]);
  expect(line.note).toBe(dropped[0]!.outcome!.dropped);
  inspector.close();
});
