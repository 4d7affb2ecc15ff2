import { describeEventGridAuth } from '../../config/event-grid.ts';
import { loadConfig } from '../../config/load.ts';
import { ConfigError } from '../../errors.ts';
import { formatBotProblem } from '../../runtime/loaded-bot.ts';
import { silentLogger } from '../../runtime/log.ts';
import { createRuntime } from '../../runtime/runtime.ts';
import type { CliCommand } from '../command.ts';
import { checkOnline } from './check-online.ts';

export const checkCommand: CliCommand = {
  name: 'check',
  help: `Usage: botyard check [--config bot.config.ts] [--online]

Loads the configuration and every bot in bots/ (without connecting to any platform) and
reports each problem with the file, the reason and the fix. Exits 1 when there is one.
Says how ACS Event Grid deliveries are authenticated (secret in the URL, Entra token, or off), and
refuses acs.eventGrid.enabled: true without any authentication.
--online also tries the credentials in the environment against Stream, ACS and Redis
(the checks \`botyard start\` makes before it starts).

Example:
  botyard check --online && botyard start`,
  async run(_args, flags, io) {
    let config;
    try {
      config = await loadConfig({ env: io.env, cwd: io.cwd, ...(typeof flags.config === 'string' ? { file: flags.config } : {}) });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const issue of err.issues) io.err(`✗ ${issue}`);
      return 1;
    }
    const runtime = await createRuntime({ config, adapters: [], log: silentLogger, startSchedules: false });
    await runtime.start();
    const loaded = runtime.bots.names();
    const problems = runtime.bots.problems();
    const schedules = runtime.scheduler.list();
    const timers = loaded.flatMap((bot) => runtime.bots.get(bot)!.registration.timers.map((t) => ({ bot, ...t })));
    await runtime.stop();
    io.out(`config: ${config.configFile ?? '(defaults; no bot.config.ts)'} ✓`);
    io.out(describeEventGridAuth(config, config.env));
    for (const name of loaded) io.out(`✓ ${name}`);
    for (const s of schedules) io.out(`  schedule ${s.id} '${s.cron}'${s.timezone ? ` ${s.timezone}` : ''}${s.target ? ` → ${s.target}` : ''}`);
    for (const t of timers) io.out(`  timer ${t.bot}/${t.name}${t.options.late !== undefined ? ` (late: ${t.options.late})` : ''}`);
    for (const p of problems) io.err(`✗ ${formatBotProblem(p)}`);
    const online = flags.online ? await checkOnline(config, io) : 0;
    io.out(`${loaded.length} bot(s) ok, ${problems.length + online} problem(s)`);
    return problems.length + online ? 1 : 0;
  },
};
