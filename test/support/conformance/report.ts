/**
 * Which mismatches fail the conformance tests and which are only reported, and the printed table
 * (endpoint, field, spec, emulator, verdict). Every "report" rule names why it is not a failure.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mismatch, Verdict } from './schema.ts';

export interface Row extends Mismatch { endpoint: string; verdict: Verdict; why?: string }

/** A deviation the real service shares with the emulator (or that cannot matter), with the reason. */
export interface Allowance { test: (m: Mismatch, endpoint: string) => boolean; why: string }

export const COMMON_ALLOWANCES: Allowance[] = [{ test: (m) => m.kind === 'enum', why: 'value outside the documented enum' }];

export function judge(endpoint: string, mismatches: Mismatch[], allowances: Allowance[]): Row[] {
  return mismatches.map((m) => {
    const allowed = allowances.find((a) => a.test(m, endpoint));
    return { ...m, endpoint, verdict: allowed ? 'report' : 'fail', ...(allowed ? { why: allowed.why } : {}) };
  });
}

/** One line per distinct (endpoint, field, kind): a deviation repeated on every item of a list prints once, with a count. */
function table(rows: Row[]): string[] {
  const groups = new Map<string, { row: Row; count: number }>();
  for (const row of rows) {
    const field = row.field.replace(/\[\d+\]/g, '[]');
    const key = `${row.endpoint}|${field}|${row.kind}|${row.verdict}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { row: { ...row, field }, count: 1 });
  }
  return [...groups.values()]
    .sort((a, b) => (a.row.verdict === b.row.verdict ? a.row.endpoint.localeCompare(b.row.endpoint) : a.row.verdict === 'fail' ? -1 : 1))
    .map(({ row, count }) => `${row.verdict === 'fail' ? 'FAIL  ' : 'report'} | ${row.endpoint} | ${row.field || '(body)'} | ${row.spec} | ${row.emulator}${count > 1 ? ` (x${count})` : ''}${row.why ? ` | ${row.why}` : ''}`);
}

/**
 * The printed report: every failure on its own line, the reported deviations summed up per reason
 * with an example; `full` is the whole table (endpoint, field, spec, emulator, verdict, why).
 */
export function formatReport(title: string, rows: Row[], checked: number): { summary: string; full: string } {
  const fails = rows.filter((r) => r.verdict === 'fail');
  const reasons = new Map<string, { count: number; example: Row }>();
  for (const r of rows) {
    if (r.verdict === 'fail') continue;
    const g = reasons.get(r.why!) ?? { count: 0, example: r };
    g.count++;
    reasons.set(r.why!, g);
  }
  const head = `${title}: ${checked} bodies checked, ${fails.length} failures, ${rows.length - fails.length} reported`;
  const summary = [
    head,
    ...table(fails),
    ...[...reasons].map(([why, g]) => `report | ${why} | ${g.count}x, e.g. ${g.example.endpoint} ${g.example.field}: spec ${g.example.spec}, emulator ${g.example.emulator}`),
  ];
  return { summary: summary.join('\n'), full: [head, 'verdict | endpoint | field | spec | emulator | why', ...table(rows)].join('\n') };
}

/** Prints the summary and writes the full table beside the OS temp files; returns the file's path. */
export function printReport(name: string, title: string, rows: Row[], checked: number): string {
  const { summary, full } = formatReport(title, rows, checked);
  const file = join(tmpdir(), `botyard-conformance-${name}.txt`);
  writeFileSync(file, `${full}\n`);
  console.log(`${summary}\nfull report: ${file}`);
  return file;
}
