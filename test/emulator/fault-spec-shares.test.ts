/**
 * `@N%` and `xN` only where a target honours them: a share of before-send hook calls, webhook or Event
 * Grid deliveries, or a count on a delay that lasts until cleared, used to be taken silently as something
 * else (one call, or every call). Each is refused naming the rule, and nothing of the list applies.
 */
import { describe, expect, it } from 'vitest';
import { applyFaults } from '../../src/emulator/faults.ts';
import { createFaults } from '../../src/emulator/acs/faults.ts';
import { Faults } from '../../src/emulator/stream/faults.ts';

describe('fault rules refuse a share or a count their target cannot honour', () => {
  it.each([
    ['stream:hook:500@20%', "fault 'stream:hook:500@20%': @20% does not apply here: hook faults apply to the next N before-send calls"],
    ['stream:hook:slow2s@50%', '@50% does not apply here: hook faults'],
    ['stream:webhook:dup@30%', "fault 'stream:webhook:dup@30%': @30% does not apply here: webhook faults apply to the next N events"],
    ['stream:webhook:slow100msx3', 'x3 does not apply here: webhook slow<N> delays every delivery until cleared'],
    ['stream:send:slow2s@10%', 'slow on an operation delays every call until cleared'],
    ['stream:send:timeoutx2', 'x2 does not apply here: timeout on an operation'],
    ['acs:eventgrid:dup@10%', '@10% does not apply here: eventgrid faults apply to the next N events'],
    ['acs:list:slow1s@25%', 'slow on an operation delays every call until cleared'],
  ])('refuses %s', (spec, why) => {
    const stream = new Faults();
    const acs = createFaults();
    expect(() => applyFaults({ stream, acs }, `stream:send:429x2,${spec}`)).toThrow(why);
    expect(() => applyFaults({ stream, acs }, spec)).toThrow("e.g. 'stream:send:429x3'");
    expect(stream.describe()).toEqual([]);
    expect(stream.takeHookFault()).toBeUndefined();
  });

  it('still takes what each target honours', () => {
    const stream = new Faults();
    const acs = createFaults();
    expect(applyFaults({ stream, acs }, 'stream:hook:500x2,stream:webhook:dupx3,stream:webhook:slow50ms,stream:send:503@20%,stream:send:slow1s,acs:eventgrid:redeliverx2,acs:list:503@20%')).toHaveLength(7);
  });
});
