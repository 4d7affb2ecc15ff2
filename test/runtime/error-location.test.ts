/**
 * Errors in a user's files say where: a syntax error in a bot or bot.config.ts names file:line:col and
 * shows the line; a bot that throws (at import, in setup, in a handler) is located in its TypeScript
 * through the bundle's source map, never in .botyard/cache/*.mjs.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalAdapter } from '../../src/adapters/local/local-adapter.ts';
import { loadConfig } from '../../src/config/load.ts';
import { importBot } from '../../src/runtime/loader.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import { conciseError } from '../../src/runtime/error-location.ts';

let dir: string;
beforeEach(() => {
  mkdirSync('.botyard', { recursive: true });
  dir = mkdtempSync(path.resolve('.botyard/located-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const rel = (name: string) => path.relative(process.cwd(), path.join(dir, name));

describe('where an error is', () => {
  it('a syntax error in a bot names file:line:col and shows the offending line with a caret', async () => {
    const file = path.join(dir, 'broken.ts');
    writeFileSync(file, `import { defineBot } from 'botyard';\n\nexport default defineBot({\n  name: 'broken',\n  setup(bot) { bot.hear(/hi/, (ctx) => ctx.reply('hi'); },\n});\n`);
    const problem = await importBot(file);
    expect(problem).toMatchObject({ file, location: { file, line: 5, column: 55 } });
    if (!('reason' in problem)) throw new Error('expected a problem');
    expect(problem.reason).toBe(`cannot be imported: Expected ")" but found ";" at ${rel('broken.ts')}:5:55`);
    expect(problem.fix).toBe(`correct the code at ${rel('broken.ts')}:5:55`);
    expect(problem.frame).toBe(
      [
        "  3 | export default defineBot({",
        "  4 |   name: 'broken',",
        "  5 |   setup(bot) { bot.hear(/hi/, (ctx) => ctx.reply('hi'); },",
        `    | ${' '.repeat(54)}^`,
      ].join('\n'),
    );
  });

  it('a bot that throws while it is imported, or in setup(), is located in its .ts file', async () => {
    const atImport = path.join(dir, 'at-import.ts');
    writeFileSync(atImport, `type Settings = { retries: number };\nconst settings = undefined as unknown as Settings;\nexport const retries: number = settings.retries;\nexport default {};\n`);
    const imported = await importBot(atImport);
    expect(imported).toMatchObject({ location: { file: atImport, line: 3 }, reason: expect.stringMatching(/^cannot be imported: TypeError: .*retries.* at .*at-import\.ts:3:\d+$/) });

    writeFileSync(path.join(dir, 'in-setup.ts'), `import { defineBot } from 'botyard';\ninterface X { a: number }\nexport default defineBot({\n  name: 'insetup',\n  setup() {\n    throw new Error('no token configured');\n  },\n});\n`);
    const config = await loadConfig({ env: {}, config: { botsDir: dir } });
    const runtime = await createRuntime({ config, adapters: [], log: silentLogger, startSchedules: false });
    await runtime.start();
    const problem = runtime.bots.problems().find((p) => p.file.endsWith('in-setup.ts'));
    await runtime.stop();
    expect(problem).toMatchObject({ reason: `setup() threw: no token configured at ${rel('in-setup.ts')}:6:11`, fix: `fix the error thrown at ${rel('in-setup.ts')}:6:11` });
    expect(problem?.frame).toContain("6 |     throw new Error('no token configured');");
  });

  it("a handler's stack trace points at the bot's TypeScript line, not the bundle", async () => {
    writeFileSync(
      path.join(dir, 'thrower.ts'),
      `import { defineBot } from 'botyard';\n\ninterface Order { id: string }\n\nexport default defineBot({\n  name: 'thrower',\n  setup(bot) {\n    bot.onMessage((ctx) => {\n      const order = JSON.parse('null') as Order;\n      return ctx.reply(order.id);\n    });\n  },\n});\n`,
    );
    const config = await loadConfig({ env: {}, config: { botsDir: dir } });
    const local = createLocalAdapter({ bot: config.bot });
    const runtime = await createRuntime({ config, adapters: [local], log: silentLogger, startSchedules: false });
    const runs: Array<{ at?: string }> = [];
    runtime.events.on('dispatched', (_event, r) => void runs.push(...r));
    await runtime.start();
    const errors: unknown[] = [];
    runtime.bots.get('thrower')!.registration.errorHandlers.push((error) => void errors.push(error));
    await local.act.say('u', 'c', 'hi');
    await runtime.idle();
    await runtime.stop();
    const error = errors[0] as Error;
    expect(error.stack).toContain(`${path.join(dir, 'thrower.ts')}:10:`);
    expect(error.stack).not.toContain('.botyard/cache');
    expect(conciseError(error)).toBe(`TypeError: Cannot read properties of null (reading 'id') at ${rel('thrower.ts')}:10:30`);
    // The run's record (what the console's inspector shows) says where too.
    expect(runs[0]?.at).toBe(`${rel('thrower.ts')}:10:30`);
  });

  it('a syntax error in bot.config.ts names file:line:col and shows the line', async () => {
    writeFileSync(path.join(dir, 'bot.config.ts'), `export default {\n  handlerTimeoutMs: 5000\n  logLevel: 'debug',\n};\n`);
    const error = await loadConfig({ env: {}, cwd: dir }).catch((e: Error) => e);
    expect((error as Error).message).toContain(`bot.config.ts: cannot be imported: Expected "}" but found "logLevel" at ${rel('bot.config.ts')}:3:3. Fix: correct the code at ${rel('bot.config.ts')}:3:3`);
    expect((error as Error).message).toContain("  3 |   logLevel: 'debug',\n    |   ^");
  });
});
