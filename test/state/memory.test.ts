import { createMemoryStore } from '../../src/state/memory.ts';
import { runStoreContract } from './store.contract.ts';

runStoreContract('memory', async () => {
  let t = 1_000_000;
  return { store: createMemoryStore({ now: () => t }), advance: async (ms) => void (t += ms) };
});
