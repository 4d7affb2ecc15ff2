/**
 * Trace and span ids: random hex from a pooled crypto buffer (one native call per id, a refill every
 * 4 KB), for every span. A root span's trace id is drawn before the SDK is asked for the span, so the
 * sampler can decide on it first (spans.ts `startRoot`); `withTraceId` then makes the SDK use that id.
 */
import { randomFillSync } from 'node:crypto';

const pool = Buffer.allocUnsafe(4096);
let offset = pool.length;
const ZEROS: Record<number, string> = { 8: '0'.repeat(16), 16: '0'.repeat(32) };

function hexId(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('hex', offset, (offset += bytes));
  // All zeros is the one invalid id (W3C trace context): one chance in 2^64 or more, but never emit it.
  return id === ZEROS[bytes] ? hexId(bytes) : id;
}

/** 32 lowercase hex characters. */
export const randomTraceId = () => hexId(16);
/** 16 lowercase hex characters. */
export const randomSpanId = () => hexId(8);

let chosen: string | undefined;

/** Runs `start` (which starts one root span through the SDK) so that span gets `traceId`. */
export function withTraceId<T>(traceId: string, start: () => T): T {
  chosen = traceId;
  try {
    return start();
  } finally {
    chosen = undefined;
  }
}

/** The SDK's IdGenerator (setup.ts): the chosen trace id once, else fresh ids. */
export const idGenerator = {
  generateTraceId(): string {
    const id = chosen;
    chosen = undefined;
    return id ?? randomTraceId();
  },
  generateSpanId: randomSpanId,
};
