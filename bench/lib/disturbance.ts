/**
 * Is this run to be trusted? The machine is shared (test suites, other work), and a run measured while
 * something else used the CPUs says little: ingest fell to 0.61x the floor in one such run (1.09x quiet).
 * So every measured run records, from /proc:
 *  - the CPU that processes outside the benchmark used during it (all busy CPU time in /proc/stat minus
 *    what the benchmark's own processes used: this process, its descendants, and Redis when the run
 *    uses it), as a share of the machine's capacity;
 *  - the steal time (a hypervisor giving our virtual CPUs to someone else), likewise.
 * A run over either threshold is *disturbed*: it is run again (up to `retries` times) and the least
 * disturbed try is kept; a figure whose runs stayed disturbed is marked in BENCHMARKS.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** Others' CPU above this share of the machine (all cores) marks a run disturbed. */
export const OTHERS_MAX_PCT = 10;
/** Steal above this share marks a run disturbed. */
export const STEAL_MAX_PCT = 2;

export interface Disturbance {
  /** CPU used by processes outside the benchmark, % of the machine's capacity during the run. */
  othersPct: number;
  /** Steal time, % of capacity. */
  stealPct: number;
  disturbed: boolean;
  /** The busiest outside processes still running at the end, for the log: `name (pid) 35%` (of one core). */
  top: string[];
  /** Tries the figure took (1 when the first run was quiet). */
  tries?: number;
}

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

interface CpuTotals { busy: number; steal: number; total: number }

function machineTicks(): CpuTotals {
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  return { busy: user + nice + system + irq + softirq, steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
}

/** `ticks`: its own CPU; `reaped`: that of its children that ended (so a child that exits mid-run still counts as ours). */
export interface Proc { pid: number; ppid: number; comm: string; ticks: number; reaped: number }

/** Every process on the machine now, from /proc. */
export function processes(): Map<number, Proc> {
  const out = new Map<number, Proc>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const raw = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = raw.lastIndexOf(')');
      const comm = raw.slice(raw.indexOf('(') + 1, close);
      const f = raw.slice(close + 2).split(' ');
      out.set(Number(entry), { pid: Number(entry), ppid: Number(f[1]), comm, ticks: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** `roots` and every descendant of theirs among `all`. */
export function familyOf(all: Map<number, Proc>, roots: number[]): Set<number> {
  const family = new Set<number>(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all.values()) if (!family.has(p.pid) && family.has(p.ppid)) (family.add(p.pid), (grew = true));
  }
  return family;
}

/** This process, its descendants, and the extra pids given (Redis). */
const ours = (all: Map<number, Proc>, extra: number[]) => familyOf(all, [process.pid, ...extra]);

/** The pid of the local redis-server, when there is one (its CPU counts as ours in runs that use it). */
export function redisPid(port = 6379): number | undefined {
  // Tests start short-lived redis-servers of their own on other ports: take the one on `port`, whose
  // pid outlives the run (a test's server exiting mid-run made /proc/<pid>/stat vanish under the bench).
  let any: number | undefined;
  for (const p of processes().values()) {
    if (p.comm !== 'redis-server') continue;
    any ??= p.pid;
    try {
      if (readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes(`:${port}`)) return p.pid;
    } catch {
      // gone meanwhile
    }
  }
  return any;
}

/** Starts watching; `stop()` says how disturbed the span in between was. */
export function watch(options: { extraPids?: number[] } = {}) {
  const extra = options.extraPids ?? [];
  const m0 = machineTicks();
  const p0 = processes();
  return {
    stop(): Disturbance {
      const m1 = machineTicks();
      const p1 = processes();
      const capacity = Math.max(1, m1.total - m0.total);
      const mine = ours(p1, extra);
      let oursTicks = 0;
      const others: Array<{ name: string; ticks: number }> = [];
      for (const p of p1.values()) {
        const before = p0.get(p.pid);
        const used = p.ticks - (before?.ticks ?? 0);
        if (mine.has(p.pid)) oursTicks += used + p.reaped - (before?.reaped ?? 0);
        else if (used > 0) others.push({ name: `${p.comm} (${p.pid})`, ticks: used });
      }
      const othersPct = Math.max(0, ((m1.busy - m0.busy - oursTicks) / capacity) * 100);
      const stealPct = ((m1.steal - m0.steal) / capacity) * 100;
      const cores = os.cpus().length;
      const top = others
        .sort((a, b) => b.ticks - a.ticks)
        .slice(0, 3)
        .map((o) => `${o.name} ${Math.round(((o.ticks / capacity) * cores) * 100)}%`);
      return { othersPct: Math.round(othersPct * 10) / 10, stealPct: Math.round(stealPct * 10) / 10, disturbed: othersPct > OTHERS_MAX_PCT || stealPct > STEAL_MAX_PCT, top };
    },
  };
}

/**
 * Runs `fn` until a try is quiet (at most 1 + `retries` tries) and returns the least disturbed try.
 * `label` names the run in the log lines that say a try was thrown away.
 */
export async function undisturbed<T>(
  label: string,
  fn: () => Promise<T>,
  options: { retries?: number; extraPids?: number[]; log?: (s: string) => void; settleMs?: number; /** Unwatched setup before each try (e.g. fresh test data). */ before?: () => Promise<unknown> } = {},
): Promise<{ result: T; disturbance: Disturbance }> {
  const retries = options.retries ?? Number(process.env.BENCH_RETRIES ?? 2);
  let best: { result: T; disturbance: Disturbance } | undefined;
  for (let tryNo = 1; tryNo <= 1 + retries; tryNo++) {
    await options.before?.();
    const w = watch({ extraPids: options.extraPids ?? [] });
    const result = await fn();
    const disturbance = { ...w.stop(), tries: tryNo };
    if (!best || disturbance.othersPct + disturbance.stealPct < best.disturbance.othersPct + best.disturbance.stealPct) best = { result, disturbance };
    if (!disturbance.disturbed) break;
    options.log?.(`${label}: disturbed (others ${disturbance.othersPct}% of the machine, steal ${disturbance.stealPct}%; busiest: ${disturbance.top.join(', ')})${tryNo <= retries ? '; running it again' : '; kept the least disturbed try'}`);
    if (tryNo <= retries) await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 2000));
  }
  best!.disturbance.tries = Math.min(best!.disturbance.tries ?? 1, 1 + retries);
  return best!;
}

/** The worst disturbance of several runs (what a median of them is exposed to). */
export function worst(list: Disturbance[]): Disturbance {
  const sorted = [...list].sort((a, b) => b.othersPct + b.stealPct - (a.othersPct + a.stealPct));
  return { ...sorted[0]!, disturbed: list.some((d) => d.disturbed), tries: Math.max(...list.map((d) => d.tries ?? 1)) };
}
