/**
 * Shared by `start` and `dev`: print what runs where, and stop cleanly on SIGINT/SIGTERM.
 */
import { describeEventGridAuth } from '../config/event-grid.ts';
import type { Booted } from '../runtime/boot.ts';
import { formatBotProblem } from '../runtime/loaded-bot.ts';
import type { CliIo } from './command.ts';

export function describeBoot(booted: Booted, io: CliIo): void {
  const { runtime } = booted;
  io.out(`botyard listening on ${booted.server.url.replace('127.0.0.1', 'localhost')}`);
  const platforms = [...runtime.adapters.values()].map((a) => `${a.platform} (as ${a.botUser.name ?? a.botUser.id}${a.webhookPath ? `, webhook ${a.webhookPath}` : ''})`);
  io.out(`platforms: ${platforms.join(', ') || 'none'}`);
  if (runtime.adapters.has('acs')) io.out(describeEventGridAuth(runtime.config, runtime.config.env));
  io.out(`bots: ${runtime.bots.names().join(', ') || 'none'}`);
  for (const p of runtime.bots.problems()) io.err(`  skipped ${formatBotProblem(p)}`);
  io.out(`state and queue: ${booted.stores.summary}`);
}

/** Resolves with exit code 0 once a signal arrives and `stop` finished (or 1 if it failed). */
export function untilSignal(stop: () => Promise<void>, io: CliIo): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      io.err(`${signal}: stopping (finishing in-flight events)…`);
      stop().then(
        () => resolve(0),
        (err) => {
          io.err(`stop failed: ${(err as Error).message}`);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
