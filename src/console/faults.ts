/**
 * The console's fault panel backend: the faults set on each running emulator, read and changed through
 * the emulators' own admin routes (`/_admin/faults`, what `botyard emulator fault` uses), in the fault
 * grammar `platform:target:effect[xN|@N%]` (src/emulator/fault-spec.ts).
 */
import { parseFaults, type FaultRule } from '../emulator/fault-spec.ts';
import { ConsoleError } from './platform.ts';

/** One emulator's faults, as its admin client offers them. */
export interface FaultAdmin {
  listFaults(): Promise<string[]>;
  addFaults(spec: string): Promise<string[]>;
  clearFaults(): Promise<void>;
}

export interface FaultPanel {
  /** What is set on each emulator, in words. */
  list(): Promise<Record<string, string[]>>;
  /** Applies rules (each to its platform's emulator); resolves with what each did. */
  add(spec: string): Promise<string[]>;
  /** Clears one platform's faults, or every platform's. */
  clear(platform?: string): Promise<void>;
}

export function createFaultPanel(admins: Map<string, FaultAdmin>): FaultPanel {
  const adminOf = (platform: string) => {
    const admin = admins.get(platform);
    if (!admin) throw new ConsoleError(400, `no ${platform} emulator is running here (running: ${[...admins.keys()].join(', ') || 'none'})`);
    return admin;
  };
  return {
    async list() {
      const out: Record<string, string[]> = {};
      for (const [platform, admin] of admins) out[platform] = await admin.listFaults();
      return out;
    },
    async add(spec) {
      let rules: FaultRule[];
      try {
        rules = parseFaults(spec);
      } catch (err) {
        throw new ConsoleError(400, (err as Error).message);
      }
      // Hand each emulator its own rules (a rule names its platform first: `stream:send:429x3`).
      const byPlatform = new Map<string, string[]>();
      for (const rule of rules) byPlatform.set(rule.platform, [...(byPlatform.get(rule.platform) ?? []), rule.text]);
      for (const platform of byPlatform.keys()) adminOf(platform);
      const applied: string[] = [];
      for (const [platform, texts] of byPlatform) {
        try {
          applied.push(...(await adminOf(platform).addFaults(texts.join(','))));
        } catch (err) {
          // The emulator refused the rule (its message names the rule and the grammar).
          throw new ConsoleError(400, (err as Error).message);
        }
      }
      return applied;
    },
    async clear(platform) {
      for (const [name, admin] of admins) if (!platform || name === platform) await admin.clearFaults();
      if (platform) adminOf(platform);
    },
  };
}
