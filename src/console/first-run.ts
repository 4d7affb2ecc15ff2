/**
 * The console's first run: each emulated platform gets a person to post as (Alice) and a `general`
 * conversation with the bot in it, so the page opens ready to type into. Only what is missing is
 * made: a platform that already has a person and a conversation (a restarted dev) is left as it is.
 */
import type { ConsolePlatform } from './platform.ts';
import type { ConversationKey } from './types.ts';

export interface FirstRun {
  /** The conversation the page opens when it has none in its address: Stream's `general` first. */
  open?: ConversationKey;
  /** Who the page posts as on each platform, until the user picks someone else. */
  as: Record<string, string>;
}

export const FIRST_USER = 'Alice';
export const FIRST_CONVERSATION = 'general';

async function prepare(platform: ConsolePlatform): Promise<{ as: string; open?: ConversationKey }> {
  const human = platform.users().find((u) => !u.isBot) ?? (await platform.createUser(FIRST_USER));
  const existing = platform.conversations();
  if (existing.length) {
    const general = existing.find((c) => c.name === FIRST_CONVERSATION) ?? existing[0]!;
    return { as: human.id, open: general.key };
  }
  const bot = platform.bot();
  const created = await platform.createConversation({ name: FIRST_CONVERSATION, as: human.id, members: bot ? [bot.id] : [] });
  return { as: human.id, open: created.key };
}

/** Returns a function that makes sure each platform is ready; calls made meanwhile share one run. */
export function createFirstRun(platforms: Map<string, ConsolePlatform>): () => Promise<FirstRun> {
  let running: Promise<FirstRun> | undefined;
  return () => {
    running ??= (async () => {
      const out: FirstRun = { as: {} };
      for (const platform of platforms.values()) {
        const ready = await prepare(platform);
        out.as[platform.name] = ready.as;
        out.open ??= ready.open;
      }
      return out;
    })().finally(() => (running = undefined));
    return running;
  };
}
