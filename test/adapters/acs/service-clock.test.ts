import { describe, expect, it } from 'vitest';
import { ServiceClock } from '../../../src/adapters/acs/service-clock.ts';

/** The service's `Date` header: its clock, floored to the second, as HTTP writes it. */
const dateAt = (serviceMs: number) => new Date(Math.floor(serviceMs / 1000) * 1000).toUTCString();

describe('ServiceClock', () => {
  it('never puts the service ahead of where it is, and closes in on its true offset as answers come at different phases of the second', () => {
    const offset = 4321; // the service's clock runs this far ahead of ours
    let local = 1_000_000;
    const clock = new ServiceClock(() => local);
    expect(clock.serviceTimeAt(local)).toBeUndefined();
    const gaps: number[] = [];
    for (let i = 0; i < 40; i++) {
      local += 137; // answers land at different phases of the service's second
      clock.observe(dateAt(local - 20 + offset), local); // stamped 20 ms before we received it
      const estimate = clock.serviceTimeAt(local)!;
      expect(estimate).toBeLessThanOrEqual(local + offset);
      gaps.push(local + offset - estimate);
    }
    expect(gaps[0]).toBeGreaterThan(100);
    expect(gaps.at(-1)).toBeLessThan(200);
  });

  it('ignores answers without a readable Date, and forgets what it learnt once no answer came for two windows', () => {
    let local = 50_000;
    const clock = new ServiceClock(() => local, 1000);
    clock.observe(undefined, local);
    clock.observe('not a date', local);
    expect(clock.serviceTimeAt(local)).toBeUndefined();
    clock.observe(dateAt(local + 3000), local);
    expect(clock.serviceTimeAt(local)).toBe(Math.floor((local + 3000) / 1000) * 1000);
    local += 1500; // one window on: still known
    expect(clock.serviceTimeAt(local)).toBeDefined();
    local += 2500;
    expect(clock.serviceTimeAt(local)).toBeUndefined();
  });
});
