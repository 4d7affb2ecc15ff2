/** talliedCounter: per-event counts handed to prom-client at read time give the totals inc() would have. */
import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { talliedCounter } from '../../src/server/tallied-counter.ts';

it('counts by both labels, once each, across reads', async () => {
  const registry = new Registry();
  const add = talliedCounter({ name: 'test_events_total', help: 'test', labelNames: ['platform', 'outcome'], registers: [registry] });
  add('stream', 'accepted');
  add('stream', 'accepted');
  add('acs', 'duplicate');
  expect(await registry.metrics()).toContain('test_events_total{platform="stream",outcome="accepted"} 2');
  add('stream', 'accepted');
  const text = await registry.metrics();
  expect(text).toContain('test_events_total{platform="stream",outcome="accepted"} 3');
  expect(text).toContain('test_events_total{platform="acs",outcome="duplicate"} 1');
  expect(text).not.toContain('outcome="ignored"');
  const values = (await registry.getSingleMetric('test_events_total')!.get()).values;
  expect(values.map((v) => v.value).sort()).toEqual([1, 3]);
});
