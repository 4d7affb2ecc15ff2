/** How BENCHMARKS.md marks figures from disturbed runs (disturbance.ts). */
import { OTHERS_MAX_PCT, STEAL_MAX_PCT, type Disturbance } from './disturbance.ts';

/** ` ⚠` after a figure whose runs stayed disturbed. */
export const mark = (d: Disturbance | undefined) => (d?.disturbed ? ' ⚠' : '');

/** The "others / steal" cell: the worst run's share of the machine, with the mark. */
export const cell = (d: Disturbance | undefined) => (d ? `${d.othersPct}% / ${d.stealPct}%${mark(d)}` : 'not recorded');

export const disturbanceRule = () =>
  `**Disturbance.** During every measured run the bench reads /proc: the CPU used by processes other than the benchmark's own ` +
  `(its processes, their children, and Redis where the run uses it), and the steal time, each as a share of the whole machine. ` +
  `A run where others used more than ${OTHERS_MAX_PCT}% or steal exceeded ${STEAL_MAX_PCT}% is *disturbed*: it is run again, up to ` +
  `twice (with a pause), and the least disturbed try is kept. The "others / steal" columns give the worst kept run of each figure; ` +
  `**⚠ marks a figure whose runs stayed disturbed**: read it as a lower bound of what the code does on a quiet machine, not as a measurement.`;
