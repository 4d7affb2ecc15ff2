/**
 * A bot cannot end the runtime: `process.exit()` (and `process.abort()`) called from a handler's code
 * throws BotExitError naming the bot and handler instead, which fails that handler like any throw
 * (logged, retried, dead-lettered at last). Called from anywhere else (the CLI, a signal handler)
 * they work as usual. Installed once per process; idempotent.
 */
import { BotyardError } from '../errors.ts';
import { currentHandler, type HandlerIdentity } from './handler-scope.ts';

export class BotExitError extends BotyardError {
  constructor(readonly who: HandlerIdentity, call: string) {
    super(
      'BOT_EXIT_REFUSED',
      `bot '${who.bot}' called ${call} in ${who.label}; refused: a bot cannot stop the runtime (and the other bots). Throw an error instead, or stop the process from outside (SIGTERM).`,
    );
  }
}

let installed = false;
const listeners = new Set<(error: BotExitError) => void>();

/** Replaces process.exit/abort with guarded versions; `onRefused` hears of each refusal (for the log). */
export function installExitGuard(onRefused?: (error: BotExitError) => void): () => void {
  if (onRefused) listeners.add(onRefused);
  if (!installed) {
    installed = true;
    const exit = process.exit.bind(process);
    const abort = process.abort.bind(process);
    const refuse = (call: string) => {
      const who = currentHandler();
      if (!who) return;
      const error = new BotExitError(who, call);
      for (const l of listeners) l(error);
      throw error;
    };
    process.exit = ((code?: number | string | null) => {
      refuse(`process.exit(${code ?? ''})`);
      return exit(code);
    }) as typeof process.exit;
    process.abort = (() => {
      refuse('process.abort()');
      return abort();
    }) as typeof process.abort;
  }
  return () => {
    if (onRefused) listeners.delete(onRefused);
  };
}
