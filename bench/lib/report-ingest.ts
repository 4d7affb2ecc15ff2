/** BENCHMARKS.md section 1, webhook ingest, and its targets. */
import type { IngestResult } from '../ingest/bench.ts';
import { cell, mark } from './report-marks.ts';
import type { Spread } from './stats.ts';
import { DEFAULT_SAMPLING } from '../../src/telemetry/sampler.ts';

const s = (x: Spread | undefined, unit = '') => (x ? `${x.median}${unit} (${x.min}–${x.max})` : '–');
/** How far apart a ratio says two figures are, whichever is larger (0.9 → 1.11). */
const apart = (ratio: number) => Math.round(Math.max(ratio, 1 / ratio) * 100) / 100;
const verdict = (ok: boolean) => (ok ? '**met**' : '**not met**');

/** Rounds of the floor further apart than this (max ÷ min) say the machine itself changed speed during the run. */
const DRIFT_MAX = 1.2;

/**
 * A warning when the floor's own rounds (the same tiny server under the same load) differ by more than
 * DRIFT_MAX: on a virtual machine the host can slow every process alike with no other process and no
 * steal time showing in /proc (the disturbance check sees neither), and every figure of the run moves with it.
 */
function hostDrift(floor: Spread | undefined): string | undefined {
  if (!floor || floor.min <= 0 || floor.max / floor.min <= DRIFT_MAX) return undefined;
  return `**⚠ The machine's own speed drifted during this run:** the floor (a), the same server under the same load each round, measured ${floor.runs.join(', ')} requests/s (max ÷ min ${(floor.max / floor.min).toFixed(2)}, over ${DRIFT_MAX}). Ratios within a round hold up better than across rounds; read each ratio below as good to about that much.`;
}

export function ingestSection(ingest: IngestResult): { lines: string[]; targets: string[] } {
  const L: string[] = [];
  const targets: string[] = [];
  const has = (k: string) => ingest.setups[k] !== undefined;
  L.push('## 1. Webhook ingest', '');
  L.push(
    `Signed Stream \`message.new\` bodies (~1.5 KB, unique message id and X-Webhook-Id per request, 100 channels), fresh per request from autocannon's \`setupRequest\` in a separate process; ${ingest.connections} connections, ${ingest.durationS} s per run after a ${ingest.warmupS ?? 2} s warm-up${ingest.warmupS ? ` (the plain servers ${Math.min(ingest.warmupS, 5)} s)` : ''}, runs interleaved (every setup once per round).`,
    '',
  );
  L.push('| setup | requests/s | p50 ms | p99 ms | server CPU µs/request | Redis CPU µs/request | errors | others / steal (worst run) |', '|---|---|---|---|---|---|---|---|');
  for (const x of Object.values(ingest.setups)) {
    L.push(`| ${x.label} | ${s(x.rps)}${mark(x.disturbance)} | ${s(x.p50)} | ${s(x.p99)} | ${s(x.cpuUsPerReq)}${mark(x.disturbance)} | ${s(x.redisCpuUsPerReq)} | ${x.errors} | ${cell(x.disturbance)} |`);
  }
  const r = ingest.ratios;
  const drift = hostDrift(ingest.setups.bare?.rps);
  if (drift) L.push('', drift);
  if (r.twinCpu !== undefined) {
    L.push('', `**Resolution of this run:** (c2) and (c), two processes of one build under the same load, read **${apart(r.twinCpu)}x** apart by CPU per request (medians; (c2) ÷ (c) = ${r.twinCpu}x). A ratio between two setups closer to 1 than that is not a difference this run measured.`);
  }
  L.push('', `Ratios (medians): botyard/floor = **${r.botyardVsBare}x** requests/s (${r.cpuBotyardVsBare}x by CPU per request); botyard/express = **${r.botyardVsExpress}x** (${r.cpuBotyardVsExpress}x by CPU).`);
  if (has('bareRedis')) {
    L.push(
      `Redis: (d)/(a-redis) = **${r.redisVsBareRedis}x** requests/s (${r.cpuRedisVsBareRedis}x by CPU per request); against the auto-pipelined floor (a-redis-p) ${r.redisVsBareRedisPipelined}x.${r.ingestOnlyVsBareRedis !== undefined ? ` The accept path alone, (d-ingest)/(a-redis) = **${r.ingestOnlyVsBareRedis}x** requests/s (${r.cpuIngestOnlyVsBareRedis}x by CPU per request).` : ''}`,
      `Tracing on ÷ off, CPU per request, at the default sampler (${DEFAULT_SAMPLING}): memory ${r.tracingCpuMemory}x, Redis ${r.tracingCpuRedis}x (requests/s ${r.tracingRpsMemory}x and ${r.tracingRpsRedis}x)${r.tracingFullCpuMemory !== undefined ? `; tracing every event: memory ${r.tracingFullCpuMemory}x, Redis ${r.tracingFullCpuRedis}x (requests/s ${r.tracingFullRpsMemory}x and ${r.tracingFullRpsRedis}x)` : ''}; the stand-in collector took ${ingest.otlp?.requests ?? 0} OTLP exports (${Math.round((ingest.otlp?.bytes ?? 0) / 1024)} KB)${spansSentence(ingest.traceSpans)}.`,
    );
  }
  if (r.sqliteVsMemory !== undefined && r.sqliteVsRedis !== undefined) {
    L.push(`SQLite, the default store (e), against memory (c) and Redis (d), medians: **${r.sqliteVsMemory}x** memory and **${r.sqliteVsRedis}x** Redis requests/s (${r.cpuSqliteVsMemory}x and ${r.cpuSqliteVsRedis}x by CPU per request). (e) commits every accepted event and its dedupe mark to the file before the 200 (WAL, synchronous=NORMAL, commits shared by the requests of one event-loop turn), and writes each event's start and end.`);
  }
  L.push('');
  L.push(
    'Notes: (c)-(g) ack after dedupe and enqueue, and their handlers (4 bots; the message matches none, so no outbound calls) run in the same process, so their CPU per request includes dispatch. ' +
      '(a-redis) is the floor plus the one thing a cluster adds, a `SET key 1 EX 86400 NX` per request on the same Redis (ioredis, one round trip each; (a-redis-p) lets ioredis batch concurrent SETs into shared writes). ' +
      '(d) uses Redis database 13 at 127.0.0.1:6379 and (g) database 12 (emptied before and after): on one database (g) would be a second instance of (d)\'s cluster. ' +
      '(d-ingest) is a webhook tier: `botyard start --ingest-only` on database 14 accepts and queues and works nothing; a worker instance beside it is paused (SIGSTOP) during each run and drains the queue after it, so the figures are the accept path\'s alone (its Redis CPU includes the drain). ' +
      'Redis is a separate, unpinned process; its CPU per request (from /proc, shared with anything else using that Redis) is the column beside the server\'s. ' +
      '(f) and (g) trace at the default sampler, (f100) and (g100) every event (OTEL_TRACES_SAMPLER=parentbased_always_on); all export spans over OTLP/HTTP (BatchSpanProcessor) to a stand-in collector in its own process that answers 200 and discards them.',
    '',
  );
  targets.push(`| ingest (c) ≥ 0.8x (a) requests/s | ${r.botyardVsBare}x${mark(ingest.setups.botyard?.disturbance)} | ${verdict(r.botyardVsBare >= 0.8)} |`);
  targets.push(`| ingest (c) ≥ 1.0x (b) requests/s | ${r.botyardVsExpress}x${mark(ingest.setups.botyard?.disturbance)} | ${verdict(r.botyardVsExpress >= 1)} |`);
  if (r.sqliteVsMemory !== undefined && r.sqliteVsRedis !== undefined) {
    targets.push(`| ingest SQLite (e) ≥ 0.5x memory (c) requests/s | ${r.sqliteVsMemory}x${mark(ingest.setups.botyardSqlite?.disturbance)} | ${verdict(r.sqliteVsMemory >= 0.5)} |`);
    targets.push(`| ingest SQLite (e) ≥ 1.5x Redis (d) requests/s | ${r.sqliteVsRedis}x${mark(ingest.setups.botyardSqlite?.disturbance)} | ${verdict(r.sqliteVsRedis >= 1.5)} |`);
  }
  if (has('bareRedis')) {
    targets.push(`| ingest (d) ≥ 0.8x (a-redis) requests/s | ${r.redisVsBareRedis}x (${r.redisVsBareRedisPipelined}x of the pipelined floor)${mark(ingest.setups.botyardRedis?.disturbance)} | ${verdict(r.redisVsBareRedis >= 0.8)} |`);
    if (r.ingestOnlyVsBareRedis !== undefined) {
      targets.push(`| the same, accept path alone: (d-ingest) ≥ 0.8x (a-redis) requests/s | ${r.ingestOnlyVsBareRedis}x${mark(ingest.setups.botyardIngest?.disturbance)} | ${verdict(r.ingestOnlyVsBareRedis >= 0.8)} |`);
    }
    const worse = Math.max(r.tracingCpuMemory, r.tracingCpuRedis);
    const full = r.tracingFullCpuMemory !== undefined ? `; every event traced: memory ${r.tracingFullCpuMemory}x, Redis ${r.tracingFullCpuRedis}x` : '';
    const twin = r.twinCpu !== undefined ? `; two identical processes ${apart(r.twinCpu)}x apart` : '';
    targets.push(`| tracing on vs off: ingest cost (CPU per request) within 10% | default sampler: memory ${r.tracingCpuMemory}x, Redis ${r.tracingCpuRedis}x${mark(ingest.setups.botyardTraced?.disturbance)}${full}${twin} | ${verdict(worse <= 1.1)} (at the default sampler) |`);
  } else {
    targets.push('| ingest (d) ≥ 0.8x (a-redis) requests/s | not measured yet (run predates the Redis floor) | – |');
    targets.push('| tracing on vs off: ingest cost (CPU per request) within 10% | not measured yet | – |');
  }
  return { lines: L, targets };
}

/** The traced setups' spans over their measured runs: every one exported, or how many were not (and so cost no export). */
function spansSentence(spans: IngestResult['traceSpans']): string {
  if (!spans || !Object.keys(spans).length) return '';
  const label: Record<string, string> = { botyardTraced: '(f)', botyardRedisTraced: '(g)', botyardTracedFull: '(f100)', botyardRedisTracedFull: '(g100)' };
  const parts = Object.entries(spans).map(([key, t]) => `${label[key] ?? key} ${t!.exported}${t!.dropped || t!.exportFailed ? ` (**${t!.dropped} dropped, ${t!.exportFailed} lost to failed exports**: its tracing cost is understated)` : ''}`);
  return `; spans exported during the measured runs, from each server's /metrics: ${parts.join(', ')}`;
}
