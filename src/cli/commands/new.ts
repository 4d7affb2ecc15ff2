import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BotyardError } from '../../errors.ts';
import type { CliCommand } from '../command.ts';

const botTemplate = (name: string) => `/** ${name}: describe what this bot does in one line. */
import { defineBot, z } from 'botyard';

export default defineBot({
  name: '${name}',
  // Settings from bot.config.ts → bots.${name}, validated when the bot loads.
  config: z.object({
    greeting: z.string().default('Hello'),
  }),
  setup(bot, config) {
    bot.hear(/^hello\\b/i, async (ctx) => {
      await ctx.reply(\`\${config.greeting}, \${ctx.mention(ctx.sender)}!\`);
    });
  },
});
`;

const testTemplate = (name: string, importPath: string) => `import { afterEach, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from 'botyard/testing';
import bot from '${importPath}';

describe('${name} bot', () => {
  let t: TestRuntime;
  afterEach(() => t?.stop());

  it('answers hello with a mention', async () => {
    t = await createTestRuntime({ bots: [bot] });
    await t.user('ann', 'Ann').say('general', 'hello there');
    const [reply] = t.botMessages('general');
    expect(reply?.text).toBe('Hello, @Ann!');
    expect(reply?.mentions.map((m) => m.id)).toEqual(['ann']);
  });
});
`;

/** The scripts in `dir`/package.json, or none. */
function projectScripts(dir: string): Record<string, string> {
  try {
    return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  } catch {
    return {};
  }
}

export const newCommand: CliCommand = {
  name: 'new',
  help: `Usage: botyard new <bot-name> [--dir bots] [--test-dir test/bots]

Writes bots/<bot-name>.ts (a working bot to start from) and test/bots/<bot-name>.test.ts
(a test through botyard/testing). Refuses to overwrite existing files.

Example:
  botyard new standup && npm test`,
  async run(args, flags, io) {
    const name = args[0];
    if (!name || !/^[a-z0-9][a-z0-9_-]*$/i.test(name)) {
      throw new BotyardError('BAD_NAME', `give the bot a name of letters, digits, _ or -, e.g. \`botyard new standup\`${name ? ` (got '${name}')` : ''}`);
    }
    const botsDir = path.resolve(io.cwd, typeof flags.dir === 'string' ? flags.dir : 'bots');
    const testDir = path.resolve(io.cwd, typeof flags['test-dir'] === 'string' ? flags['test-dir'] : 'test/bots');
    const botFile = path.join(botsDir, `${name}.ts`);
    const testFile = path.join(testDir, `${name}.test.ts`);
    for (const f of [botFile, testFile, path.join(botsDir, name)]) {
      if (existsSync(f)) throw new BotyardError('EXISTS', `${path.relative(io.cwd, f)} already exists; pick another name or delete it first`);
    }
    mkdirSync(botsDir, { recursive: true });
    mkdirSync(testDir, { recursive: true });
    let importPath = path.relative(testDir, botFile).split(path.sep).join('/');
    if (!importPath.startsWith('.')) importPath = `./${importPath}`;
    writeFileSync(botFile, botTemplate(name));
    writeFileSync(testFile, testTemplate(name, importPath));
    io.out(`created ${path.relative(io.cwd, botFile)}`);
    io.out(`created ${path.relative(io.cwd, testFile)}`);
    io.out('');
    // Only name scripts the project has: a fresh folder may have no `dev` script at all.
    const scripts = projectScripts(io.cwd);
    const testFileRel = path.relative(io.cwd, testFile);
    io.out('Next:');
    io.out(`  ${(scripts.test ? 'npm test' : `npx vitest run ${testFileRel}`).padEnd(45)}# the test passes as written`);
    io.out(`  ${(scripts.dev ? 'npm run dev' : 'npx botyard dev').padEnd(45)}# say "hello" in the console; edits reload live`);
    io.out(`  configure it in bot.config.ts under bots.${name}`);
    return 0;
  },
};
