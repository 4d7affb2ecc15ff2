/**
 * Config blocks of the security work: HTTP limits (`http`), bot containment (`containment`) and
 * Redis durability (`redis`). Each default is the production value; README "Security" explains them.
 */
import { z } from 'zod';

const ms = z.number().int().positive();

export const httpSchema = z
  .object({
    /** A client must finish sending its headers within this long (slow-header attacks). */
    headersTimeoutMs: ms.default(10_000),
    /** A whole request (headers and body) must arrive within this long (slow-drip bodies). */
    requestTimeoutMs: ms.default(30_000),
    /**
     * A connection that has not sent a request for this long is closed. Above a load balancer's own idle
     * timeout (60 s on Azure and AWS) so the balancer, not botyard, closes first.
     */
    idleTimeoutMs: ms.default(65_000),
    /**
     * Open connections at most. Past it the longest-idle connection is closed to make room, so idle
     * sockets can never lock out /healthz or a webhook. Keep `ulimit -n` above this plus ~200.
     */
    maxConnections: z.number().int().min(2).default(1000),
  })
  .strict()
  .refine((h) => h.headersTimeoutMs <= h.requestTimeoutMs, {
    message: 'headersTimeoutMs must not exceed requestTimeoutMs (the headers are part of the request)',
    path: ['headersTimeoutMs'],
  })
  .prefault({});

export const containmentSchema = z
  .object({
    /** An event-loop stall this long is logged (naming the bots in flight) and counted in /metrics. */
    loopBlockWarnMs: ms.default(500),
    /** /readyz answers 503 for this long after a stall (so a balancer drains an instance a bot keeps blocking). */
    loopBlockReadyHoldMs: ms.default(10_000),
    /**
     * Exact attribution of a stall to the handler whose callback ran (async_hooks). Off by default: it
     * costs on every callback (see bench/containment); without it a stall is charged to the handlers in flight.
     */
    exactLoopAttribution: z.boolean().default(false),
    /** The memory store's cap per bot: keys, and bytes of JSON values. Over it, ctx.store throws StoreLimitError. */
    memoryStoreMaxKeysPerBot: z.number().int().positive().default(10_000),
    memoryStoreMaxBytesPerBot: z.number().int().positive().default(16 * 1024 * 1024),
  })
  .strict()
  .prefault({});

export const redisSchema = z
  .object({
    /**
     * Start even when Redis may lose acknowledged events silently (no AOF and no RDB, or an evicting
     * maxmemory-policy). For tests and throwaway setups only; the environment's BOTYARD_REDIS_ALLOW_VOLATILE=1 does the same.
     */
    allowVolatile: z.boolean().default(false),
  })
  .strict()
  .prefault({});
