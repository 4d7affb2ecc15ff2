/**
 * `bot.beforeSend` handlers run only where the platform asks before storing a message (`preSend`).
 * On the others (ACS: its chat service has no such hook) the runtime says so once at start, so nobody
 * believes a filter is in front of messages that it is not.
 */
import type { Logger } from 'pino';
import type { Adapter } from '../../adapters/adapter.ts';
import type { LoadedBot } from '../loaded-bot.ts';

/** Logs one warning per platform without `preSend` when some bot registered `beforeSend` handlers. Returns what it reported. */
export function reportInactiveBeforeSend(bots: Iterable<LoadedBot>, adapters: Iterable<Adapter>, log: Logger): Array<{ platform: string; bots: string[] }> {
  const withHandlers = [...bots].filter((b) => b.registration.beforeSend.length > 0).map((b) => b.name);
  if (!withHandlers.length) return [];
  const reported: Array<{ platform: string; bots: string[] }> = [];
  for (const adapter of adapters) {
    if (adapter.capabilities.has('preSend')) continue;
    reported.push({ platform: adapter.platform, bots: withHandlers });
    log.warn(
      { platform: adapter.platform, bots: withHandlers },
      `beforeSend handlers of ${withHandlers.join(', ')} are inactive on ${adapter.platform}: it has no hook before a message is stored, so its messages reach bots only after everyone saw them (handle them with onMessage/hear there)`,
    );
  }
  return reported;
}
