/** The fault grammar: what parses, and errors that name the rule and the fix. */
import { describe, expect, it } from 'vitest';
import { parseFaults } from '../../src/emulator/fault-spec.ts';
import { applyFaults } from '../../src/emulator/faults.ts';
import { createFaults } from '../../src/emulator/acs/faults.ts';
import { Faults } from '../../src/emulator/stream/faults.ts';

describe('fault grammar', () => {
  it('parses statuses with counts and percentages, slow durations, delivery faults, several rules', () => {
    expect(parseFaults('stream:send:429x3')).toEqual([{ platform: 'stream', target: 'send', effect: { kind: 'status', status: 429 }, count: 3, text: 'stream:send:429x3' }]);
    const [a, b, c, d] = parseFaults('acs:list:503@20%, stream:*:slow2s,acs:eventgrid:redeliver, stream:hook:slow1500ms');
    expect(a).toMatchObject({ platform: 'acs', target: 'list', effect: { kind: 'status', status: 503 }, percent: 20 });
    expect(b).toMatchObject({ target: '*', effect: { kind: 'slow', ms: 2000 } });
    expect(c).toMatchObject({ target: 'eventgrid', effect: { kind: 'redeliver' } });
    expect(d).toMatchObject({ target: 'hook', effect: { kind: 'slow', ms: 1500 } });
  });

  it.each([
    ['stream:send', 'three parts'],
    ['teams:send:429', "unknown platform 'teams'"],
    ['stream:send:404', 'not 429 or 5xx'],
    ['stream:send:boom', "unknown effect 'boom'"],
    ['stream:send:429x0', 'at least 1'],
    ['acs:list:500@150%', 'at most 100'],
  ])('refuses %s, saying why and how to write one', (spec, why) => {
    expect(() => parseFaults(spec)).toThrow(why);
    expect(() => parseFaults(spec)).toThrow("e.g. 'stream:send:429x3'");
  });

  it('refuses effects a target cannot take, and applies nothing of a list with one bad rule', () => {
    const stream = new Faults();
    const acs = createFaults();
    expect(() => applyFaults({ stream, acs }, 'stream:send:dup')).toThrow('applies to webhook deliveries');
    expect(() => applyFaults({ stream, acs }, 'stream:webhook:429')).toThrow('webhook takes dup, reorder or slow');
    expect(() => applyFaults({ stream, acs }, 'acs:eventgrid:slow1s')).toThrow('eventgrid takes dup, redeliver or reorder');
    expect(() => applyFaults({ stream, acs }, 'stream:send me:429')).toThrow("unknown Stream target 'send me'");
    expect(() => applyFaults({ stream }, 'acs:send:429')).toThrow('the acs emulator is not running here');
    expect(() => applyFaults({ stream, acs }, 'stream:send:429x2,stream:webhook:500')).toThrow();
    expect(stream.describe()).toEqual([]);
    expect(applyFaults({ stream, acs }, 'stream:send:429x2,acs:send:503,stream:hook:timeoutx2')).toEqual([
      'stream:send:429x2: the next 2 SendMessage calls answer 429',
      'acs:send:503: the next 1 messages.send calls answer 503',
      'stream:hook:timeoutx2: the next 2 before-send hook calls time out',
    ]);
    expect(stream.takeHookFault()).toMatchObject({ timeout: true });
    expect(stream.takeHookFault()).toMatchObject({ timeout: true });
    expect(stream.takeHookFault()).toBeUndefined();
  });
});
