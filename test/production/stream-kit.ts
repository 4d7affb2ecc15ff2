/**
 * The Stream side of the production tests: an emulator, users' messages seeded through the real SDK,
 * their webhook bodies signed here and POSTed to runtime processes as Stream would, and a tally of
 * the bot's replies taken from the emulator's change feed.
 */
import { randomUUID } from 'node:crypto';
import { StreamChat } from 'stream-chat';
import { signBody, startStreamEmulator, type StreamEmulator, type StreamEvent } from '../../src/emulator/stream/index.ts';

type Loose = any;

/** One user message and the webhook that announces it. */
export interface Seeded {
  cid: string;
  messageId: string;
  text: string;
  body: string;
  webhookId: string;
}

export interface StreamWorld {
  emu: StreamEmulator;
  client: StreamChat;
  /** The runtime's environment for this emulator. */
  env: Record<string, string>;
  /** `channels` channels named `<tag>-<n>` with kim and the bot, `perChannel` messages from kim in each. */
  seed(tag: string, channels: number, perChannel: number, text?: (channel: number, n: number) => string): Promise<Seeded[]>;
  /** Replies the bot posted, by the id of the message they answer. */
  replies: Map<string, number>;
  /** Parent ids in the order the bot's replies landed, per channel. */
  replyOrder: Map<string, string[]>;
  /** Bot replies to the given messages so far. */
  answered(items: Seeded[]): number;
  /** Channels (cid) where the bot has marked something read, i.e. a handler started. */
  started: Set<string>;
  close(): Promise<void>;
}

export async function startStreamWorld(): Promise<StreamWorld> {
  const emu = await startStreamEmulator();
  // The SDK's default 3 s timeout is shorter than a loaded 2-core machine may need while seeding.
  const client = new StreamChat(emu.apiKey, emu.apiSecret, { baseURL: emu.url, timeout: 30_000 });
  await client.upsertUsers([{ id: 'kim', name: 'Kim' }, { id: 'botyard', name: 'Botyard' }]);
  const replies = new Map<string, number>();
  const replyOrder = new Map<string, string[]>();
  const started = new Set<string>();
  const captured = new Map<string, StreamEvent>();
  emu.on('event', (e: Loose) => {
    if (e.type === 'message.new' && e.user?.id === 'botyard' && e.message?.parent_id) {
      const parent = e.message.parent_id as string;
      replies.set(parent, (replies.get(parent) ?? 0) + 1);
      const order = replyOrder.get(e.cid) ?? [];
      order.push(parent);
      replyOrder.set(e.cid, order);
    } else if (e.type === 'message.new' && e.user?.id === 'kim') {
      captured.set(e.message.id, e);
    } else if (e.type === 'message.read' && e.user?.id === 'botyard') {
      started.add(e.cid);
    }
  });

  return {
    emu,
    client,
    env: emu.env,
    replies,
    replyOrder,
    started,
    answered: (items) => items.reduce((n, i) => n + (replies.get(i.messageId) ?? 0), 0),
    async seed(tag, channels, perChannel, text = (c, n) => `hello ${c}.${n}`) {
      const out: Seeded[] = [];
      await Promise.all(
        Array.from({ length: channels }, async (_, c) => {
          const ch = client.channel('messaging', `${tag}-${c}`, { created_by_id: 'kim', members: ['kim', 'botyard'] } as Loose);
          await ch.create();
          for (let n = 0; n < perChannel; n++) {
            const t = text(c, n);
            const { message } = await ch.sendMessage({ text: t, user_id: 'kim' } as Loose);
            const event = captured.get(message.id);
            if (!event) throw new Error(`no message.new announced for ${message.id}`);
            captured.delete(message.id);
            out.push({ cid: ch.cid, messageId: message.id, text: t, body: JSON.stringify(event), webhookId: randomUUID() });
          }
        }),
      );
      return out;
    },
    close: () => emu.close(),
  };
}

/** POSTs one signed delivery of `item` to `baseUrl` as Stream would; resolves with the status (0: no connection). */
export async function deliver(world: StreamWorld, baseUrl: string, item: Seeded, attempt = 1): Promise<number> {
  try {
    const res = await fetch(`${baseUrl}/webhooks/stream`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-signature': signBody(item.body, world.emu.apiSecret),
        'x-webhook-id': item.webhookId,
        'x-webhook-attempt': String(attempt),
        'x-api-key': world.emu.apiKey,
      },
      body: item.body,
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Runs `fn` over `items` with at most `limit` at once. */
export async function inParallel<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i]!, i);
    }),
  );
}

/** Messages the bot answered other than exactly once (id → count), for failure messages. */
export function notOnce(world: StreamWorld, items: Seeded[]): Record<string, number> {
  const bad: Record<string, number> = {};
  for (const i of items) {
    const n = world.replies.get(i.messageId) ?? 0;
    if (n !== 1) bad[i.messageId] = n;
  }
  return bad;
}

