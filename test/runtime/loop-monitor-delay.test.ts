/**
 * The loop monitor's delay distribution comes from its stall watchdog's own ticks (one timer, not a
 * second monitorEventLoopDelay beside it): intervals as monitorEventLoopDelay counts them, a block
 * showing up as a long one.
 */
import { afterEach, expect, it } from 'vitest';
import { createLoopMonitor, type LoopMonitor } from '../../src/runtime/loop-monitor.ts';
import { silentLogger } from '../../src/runtime/log.ts';

let monitor: LoopMonitor | undefined;
afterEach(() => monitor?.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('records each watchdog interval (the tick included), and a blocked loop as one long interval', async () => {
  monitor = createLoopMonitor({ warnMs: 1000, log: silentLogger, tickMs: 10 });
  monitor.start();
  await sleep(120);
  const { delay } = monitor;
  expect(delay.count).toBeGreaterThanOrEqual(5);
  expect(delay.min / 1e6).toBeGreaterThanOrEqual(9);
  delay.reset();
  const until = performance.now() + 150;
  while (performance.now() < until) {
    // blocks the loop
  }
  await sleep(30);
  expect(delay.max / 1e6).toBeGreaterThanOrEqual(150);
  expect(monitor.lastStall()).toBeUndefined(); // under warnMs: measured, not reported
});
