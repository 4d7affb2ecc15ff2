// Preloaded (node --import) into a traced `botyard start` by focus.ts's cHooksOff and cToggle setups: each
// SIGUSR2 flips the tracing hooks (src/telemetry/spans.ts) between plain calls and tracing, while the SDK,
// its provider and exporter stay loaded and registered. Set against tracing on, it separates what the
// hooks cost per request from what having the SDK in the process costs, in one process.
import { setTracing, tracingOn } from '../../dist/telemetry/spans.js';

process.on('SIGUSR2', () => {
  setTracing(!tracingOn());
  process.send?.({ type: 'hooks', on: tracingOn() });
});
