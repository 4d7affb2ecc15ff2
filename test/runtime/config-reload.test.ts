/**
 * bot.config.ts edited while `botyard dev` runs: a bot's settings apply at once (that bot reloads), other
 * keys are acknowledged as needing a restart, and a config that no longer loads leaves the running one.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createLocalAdapter } from '../../src/adapters/local/local-adapter.ts';
import { loadConfig } from '../../src/config/load.ts';
import { watchConfig, type ConfigReloadResult } from '../../src/runtime/config-reload.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { createRuntime, type Runtime } from '../../src/runtime/runtime.ts';

let dir: string;
let runtime: Runtime | undefined;
beforeEach(() => {
  mkdirSync('.botyard', { recursive: true });
  dir = mkdtempSync(path.resolve('.botyard/config-reload-'));
  mkdirSync(path.join(dir, 'bots'));
});
afterEach(async () => {
  await runtime?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const bot = (name: string) => `import { defineBot, z } from 'botyard';
export default defineBot({ name: '${name}', config: z.object({ greeting: z.string() }), setup(bot, config) { bot.onMessage((ctx) => ctx.send(config.greeting + ' from ${name}')); } });
`;
const configFile = (greeting: string, extra = '') => `export default {\n  ${extra}bots: { greeter: { greeting: '${greeting}' }, other: { greeting: 'Hi' } },\n};\n`;

it('applies bots.<name> at once, names keys that need a restart, and keeps the running config when the new one is broken', async () => {
  const file = path.join(dir, 'bot.config.ts');
  writeFileSync(file, configFile('Hello'));
  writeFileSync(path.join(dir, 'bots', 'greeter.ts'), bot('greeter'));
  writeFileSync(path.join(dir, 'bots', 'other.ts'), bot('other'));
  const config = await loadConfig({ env: {}, cwd: dir });
  const local = createLocalAdapter({ bot: config.bot });
  runtime = await createRuntime({ config, adapters: [local], log: silentLogger, startSchedules: false });
  await runtime.start();
  const other = runtime.bots.get('other');

  const results: ConfigReloadResult[] = [];
  let notify: (() => void) | undefined;
  const next = () => new Promise<void>((resolve) => (notify = resolve));
  const watcher = watchConfig({ file, current: config, load: () => loadConfig({ env: {}, cwd: dir }), registry: runtime.bots, log: silentLogger, debounceMs: 50, onReload: (r) => { results.push(r); notify?.(); } });
  const say = async (text: string) => {
    await local.act.say('u', 'c', text);
    await runtime!.idle();
    return local.state.conversation('c').messages.filter((m) => m.user.id === local.botUser.id).map((m) => m.text).slice(-2).sort();
  };
  try {
    expect(await say('one')).toEqual(['Hello from greeter', 'Hi from other']);

    let reloaded = next();
    writeFileSync(file, configFile('Bonjour'));
    await reloaded;
    expect(results.at(-1)).toEqual({ outcome: 'applied', reloadedBots: ['greeter'], needsRestart: [] });
    expect(runtime.bots.get('other')).toBe(other);
    expect(await say('two')).toEqual(['Bonjour from greeter', 'Hi from other']);

    reloaded = next();
    writeFileSync(file, configFile('Bonjour', 'handlerTimeoutMs: 5000,\n  '));
    await reloaded;
    expect(results.at(-1)).toEqual({ outcome: 'applied', reloadedBots: [], needsRestart: ['handlerTimeoutMs'] });

    reloaded = next();
    writeFileSync(file, `export default {\n  bots: { greeter: { greeting: 'Hola' }\n};\n`);
    await reloaded;
    expect(results.at(-1)).toMatchObject({ outcome: 'failed', issues: [expect.stringMatching(/bot\.config\.ts: cannot be imported: .* at .*bot\.config\.ts:3:2/)] });
    expect(await say('three')).toEqual(['Bonjour from greeter', 'Hi from other']);
  } finally {
    watcher.close();
  }
});
