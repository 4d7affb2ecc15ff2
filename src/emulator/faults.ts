/**
 * One entry point for fault rules on running emulators: parse (fault-spec.ts) and hand each rule to its
 * platform. Used by the CLI in-process and by each emulator's admin route.
 */
import { applyAcsFault } from './acs/fault-rules.ts';
import { createFaults, type FaultControl } from './acs/faults.ts';
import { FaultSpecError, parseFaults, type FaultRule } from './fault-spec.ts';
import { applyStreamFault } from './stream/fault-rules.ts';
import { Faults } from './stream/faults.ts';

export interface FaultTargets {
  stream?: Faults;
  acs?: FaultControl;
}

/**
 * Applies every rule of `spec` (all are parsed and checked first: a bad one applies none); returns what
 * each did. A rule for a platform that is not running is an error naming it.
 */
export function applyFaults(targets: FaultTargets, spec: string | FaultRule[]): string[] {
  const rules = typeof spec === 'string' ? parseFaults(spec) : spec;
  for (const rule of rules) {
    if (!targets[rule.platform]) throw new FaultSpecError(rule.text, `the ${rule.platform} emulator is not running here`);
  }
  // A dry run on scratch knobs first, so a rule that means nothing leaves the running emulators untouched.
  const apply = (on: FaultTargets) => rules.map((rule) => `${rule.text}: ${rule.platform === 'stream' ? applyStreamFault(on.stream!, rule) : applyAcsFault(on.acs!, rule)}`);
  apply({ stream: new Faults(), acs: createFaults() });
  return apply(targets);
}
