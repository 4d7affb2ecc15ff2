import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalAdapter } from '../../src/adapters/local/local-adapter.ts';
import { loadConfig } from '../../src/config/load.ts';
import { watchBots, type ReloadResult } from '../../src/runtime/hot-reload.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { createRuntime, type Runtime } from '../../src/runtime/runtime.ts';

const echoBot = (name: string, prefix: string) => `import { defineBot } from 'botyard';
export default defineBot({ name: '${name}', setup(bot) { bot.onMessage((ctx) => ctx.send('${prefix}' + ctx.message!.text)); } });
`;

describe('bots from a folder', () => {
  let dir: string;
  let runtime: Runtime | undefined;
  beforeEach(() => {
    mkdirSync('.botyard', { recursive: true });
    dir = mkdtempSync(path.resolve('.botyard/bots-'));
  });
  afterEach(async () => {
    await runtime?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start() {
    const config = await loadConfig({ env: {}, config: { botsDir: dir, bots: { typed: { greeting: 42 } } } });
    const local = createLocalAdapter({ bot: config.bot });
    runtime = await createRuntime({ config, adapters: [local], log: silentLogger, startSchedules: false });
    await runtime.start();
    return { local, runtime };
  }

  it('loads <name>.ts and <name>/index.ts; reports each broken bot with file, reason and fix; the others answer', async () => {
    writeFileSync(path.join(dir, 'alpha.ts'), echoBot('alpha', 'A:'));
    mkdirSync(path.join(dir, 'beta'));
    writeFileSync(path.join(dir, 'beta', 'index.ts'), echoBot('beta', 'B:'));
    writeFileSync(path.join(dir, 'syntax.ts'), 'export default defineBot({ name: ');
    writeFileSync(path.join(dir, 'noexport.ts'), 'export const x = 1;');
    writeFileSync(path.join(dir, 'notabot.ts'), 'export default { name: "x" };');
    writeFileSync(path.join(dir, 'typed.ts'), `import { defineBot, z } from 'botyard';
export default defineBot({ name: 'typed', config: z.object({ greeting: z.string() }), setup() {} });`);
    writeFileSync(path.join(dir, 'alpha.test.ts'), 'throw new Error("tests are not bots")');

    const { local, runtime: rt } = await start();
    expect(rt.bots.names().sort()).toEqual(['alpha', 'beta']);
    const problems = Object.fromEntries(rt.bots.problems().map((p) => [path.basename(p.file), `${p.reason} | ${p.fix}`]));
    expect(Object.keys(problems).sort()).toEqual(['noexport.ts', 'notabot.ts', 'syntax.ts', 'typed.ts']);
    expect(problems['noexport.ts']).toMatch(/no default export \| .*export default defineBot/);
    expect(problems['notabot.ts']).toMatch(/not a bot \| wrap it in defineBot/);
    expect(problems['syntax.ts']).toMatch(/cannot be imported/);
    expect(problems['typed.ts']).toMatch(/bots\.typed\.greeting/);

    await local.act.say('u', 'c', 'hi');
    await rt.idle();
    expect(local.state.conversation('c').messages.filter((m) => m.user.id === local.botUser.id).map((m) => m.text).sort()).toEqual(['A:hi', 'B:hi']);
  });

  it('hot reload: editing, adding and removing a bot file reloads that bot alone, keeping its state', async () => {
    writeFileSync(path.join(dir, 'alpha.ts'), echoBot('alpha', 'A1:'));
    writeFileSync(path.join(dir, 'beta.ts'), echoBot('beta', 'B:'));
    const { local, runtime: rt } = await start();
    await rt.bots.get('alpha')!.store.set('kept', 'yes');
    const betaBefore = rt.bots.get('beta');

    const reloads: ReloadResult[] = [];
    let notify: (() => void) | undefined;
    const next = () => new Promise<void>((resolve) => (notify = resolve));
    const watcher = watchBots({ dir, registry: rt.bots, log: silentLogger, debounceMs: 50, onReload: (r) => { reloads.push(r); notify?.(); } });
    try {
      let reloaded = next();
      writeFileSync(path.join(dir, 'alpha.ts'), echoBot('alpha', 'A2:'));
      await reloaded;
      expect(reloads.at(-1)).toMatchObject({ outcome: 'loaded' });
      expect(rt.bots.get('beta')).toBe(betaBefore);
      expect(await rt.bots.get('alpha')!.store.get('kept')).toBe('yes');

      reloaded = next();
      writeFileSync(path.join(dir, 'alpha.ts'), 'export default defineBot({');
      await reloaded;
      expect(reloads.at(-1)).toMatchObject({ outcome: 'failed' });

      reloaded = next();
      writeFileSync(path.join(dir, 'gamma.ts'), echoBot('gamma', 'G:'));
      await reloaded;
      reloaded = next();
      unlinkSync(path.join(dir, 'beta.ts'));
      await reloaded;
      expect(reloads.at(-1)).toMatchObject({ outcome: 'removed', bot: 'beta' });

      await local.act.say('u', 'c', 'x');
      await rt.idle();
      const texts = local.state.conversation('c').messages.filter((m) => m.user.id === local.botUser.id).map((m) => m.text).sort();
      expect(texts).toEqual(['A2:x', 'G:x']);
    } finally {
      watcher.close();
    }
  });
});
