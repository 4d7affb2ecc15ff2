import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import type { InboundEvent, IngestResult } from '../../../src/adapters/adapter.ts';
import { createAcsAdapter, type AcsAdapter, type AcsAdapterOptions } from '../../../src/adapters/acs/index.ts';
import { startAcsEmulator, type AcsEmulator } from '../../../src/emulator/acs/index.ts';
import { createMemoryStore } from '../../../src/state/memory.ts';
import type { StateStore } from '../../../src/state/store.ts';

export interface Harness {
  adapter: AcsAdapter;
  store: StateStore;
  events: InboundEvent[];
  /** Makes the sink throw for events this returns true for (simulates a crash mid-cycle). */
  failWhen?: (event: InboundEvent) => boolean;
}

/** An adapter on the emulator with a recording sink; polling is driven by hand (pollOnce) unless `poll.enabled`. */
export async function startAdapter(
  emulator: AcsEmulator,
  options: Partial<AcsAdapterOptions> & { store?: StateStore } = {},
): Promise<Harness> {
  const store = options.store ?? createMemoryStore();
  const adapter = createAcsAdapter({
    connectionString: emulator.connectionString,
    botName: 'Botty',
    tlsCa: emulator.caPem,
    ...options,
    poll: { enabled: false, minIntervalMs: 50, maxIntervalMs: 200, ...options.poll },
  });
  const harness: Harness = { adapter, store, events: [] };
  const sink = async (event: InboundEvent): Promise<IngestResult> => {
    if (harness.failWhen?.(event)) throw new Error(`sink refused ${event.id}`);
    harness.events.push(event);
    return 'accepted';
  };
  await adapter.start({ sink, store, log: pino({ level: 'silent' }) });
  return harness;
}

export const ofType = (events: InboundEvent[], type: string) => events.filter((e) => e.type === type);
export const texts = (events: InboundEvent[]) => ofType(events, 'message.new').map((e) => e.message!.text);

/**
 * An emulator and a started adapter on it for every test of the calling file or describe block (its
 * beforeAll starts them, its afterAll stops them); read `emulator` and `h` inside the tests.
 */
export function adapterOnEmulator(options: Partial<AcsAdapterOptions> & { store?: StateStore } = {}): { emulator: AcsEmulator; h: Harness } {
  const world = {} as { emulator: AcsEmulator; h: Harness };
  beforeAll(async () => {
    world.emulator = await startAcsEmulator();
    world.h = await startAdapter(world.emulator, options);
  });
  afterAll(async () => {
    await world.h?.adapter.stop();
    await world.emulator?.close();
  });
  return world;
}
