/**
 * The moderation verbs, run by a bot's handlers in the runtime (HTTP webhooks from the Stream
 * emulator), each read back through the real stream-chat SDK; the moderation events reach bot.on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from 'stream-chat';
import type { InboundEvent } from '../../../src/adapters/adapter.ts';
import { defineBot } from '../../../src/runtime/bot.ts';
import { startStreamStack, type StreamStack } from '../../helpers/stream-stack.ts';

type Loose = any;
let stack: StreamStack;
const heard: InboundEvent[] = [];
const failures: string[] = [];
let n = 0;

const moderator = defineBot({
  name: 'moderator',
  setup(bot) {
    const arg = (ctx: Loose, i: number) => ctx.command.args[i] as string;
    bot.command('flag', (ctx) => ctx.flag(undefined, { reason: 'spam' }));
    bot.command('flaguser', (ctx) => ctx.flagUser(arg(ctx, 0), { reason: 'spammer' }));
    bot.command('mute', (ctx) => ctx.mute(arg(ctx, 0), { timeoutMinutes: 5 }));
    bot.command('shadow', (ctx) => ctx.shadowBan(arg(ctx, 0)));
    bot.command('ban', (ctx) => ctx.ban(arg(ctx, 0), { timeoutMinutes: 30, reason: 'rude', global: arg(ctx, 1) === 'global' }));
    bot.command('unban', (ctx) => ctx.unban(arg(ctx, 0), { global: arg(ctx, 1) === 'global' }));
    bot.command('pin', (ctx) => ctx.pin());
    bot.command('unpin', (ctx) => ctx.unpin(arg(ctx, 0)));
    bot.command('rules', (ctx) => ctx.send({ text: 'House rules: be kind.', silent: true, pinned: true }));
    for (const type of ['user.banned', 'user.unbanned', 'user.muted', 'message.flagged']) bot.on(type, (ctx) => void heard.push(ctx.event));
  },
});

beforeAll(async () => {
  stack = await startStreamStack({ bots: [moderator] });
  stack.runtime.events.on('dispatched', (_e, runs) => failures.push(...runs.filter((r) => r.error).map((r) => `${r.handler}: ${r.error}`)));
  await stack.client.upsertUsers([{ id: 'kim', name: 'Kim' }, { id: 'lee', name: 'Lee' }]);
});
afterAll(() => stack?.stop());

async function channel(): Promise<Channel> {
  const ch = stack.client.channel('messaging', `mod-${++n}`, { created_by_id: 'kim', members: ['kim', 'lee', 'botyard'] } as Loose);
  await ch.create();
  return ch;
}

/** Kim sends a command; resolves once the bot handled it. */
async function command(ch: Channel, text: string) {
  const { message } = await ch.sendMessage({ text, user_id: 'kim' } as Loose);
  await stack.settled();
  return message;
}

describe('moderation verbs on Stream, read back through the SDK', () => {
  it('ctx.flag and ctx.flagUser: the flag is on the message flags query and in the emulator; a user\'s flag reaches bot.on(message.flagged)', async () => {
    const ch = await channel();
    const flagged = await command(ch, '/flag');
    await command(ch, '/flaguser lee');
    const { flags } = (await stack.client.queryMessageFlags({ channel_cid: ch.cid } as Loose)) as Loose;
    expect(flags.map((f: Loose) => [f.message.id, f.user.id, f.reason])).toEqual([[flagged.id, 'botyard', 'spam']]);
    expect(stack.emu.state.flags().find((f: Loose) => f.target_user_id === 'lee')).toMatchObject({ user_id: 'botyard', reason: 'spammer' });

    await stack.client.flagMessage(flagged.id, { user_id: 'lee', reason: 'me too' });
    await stack.settled();
    const event = heard.find((e) => e.type === 'message.flagged');
    expect(event).toMatchObject({ sender: { id: 'lee' }, message: { id: flagged.id }, moderation: { totalFlags: 2, reason: 'me too' } });
  });

  it('ctx.mute: the mute, with its expiry, is on the bot user (queryUsers); user.muted reaches bot.on', async () => {
    const ch = await channel();
    await command(ch, '/mute lee');
    const { users } = await stack.client.queryUsers({ id: 'botyard' });
    expect((users[0] as Loose).mutes.map((m: Loose) => [m.target.id, typeof m.expires])).toEqual([['lee', 'string']]);
    // Stream's user.muted names who muted whom; the expiry is on the mute, not in the event.
    expect(heard.find((e) => e.type === 'user.muted')).toMatchObject({ sender: { id: 'botyard' }, moderation: { target: { id: 'lee' } } });
  });

  it('ctx.ban with a timeout and a reason, here and app-wide, and ctx.unban: queryBannedUsers shows each; user.banned carries the details', async () => {
    const ch = await channel();
    const before = Date.now();
    await command(ch, '/ban lee');
    let { bans } = (await stack.client.queryBannedUsers({ user_id: 'lee', channel_cid: ch.cid } as Loose)) as Loose;
    expect(bans).toHaveLength(1);
    expect(bans[0]).toMatchObject({ reason: 'rude', shadow: false, banned_by: { id: 'botyard' }, channel: { cid: ch.cid } });
    const minutes = (Date.parse((bans[0] as Loose).expires) - before) / 60_000;
    expect(minutes).toBeGreaterThan(29);
    expect(minutes).toBeLessThanOrEqual(31);
    const banned = heard.find((e) => e.type === 'user.banned' && e.conversation.id === ch.cid);
    expect(banned).toMatchObject({ sender: { id: 'botyard' }, member: { id: 'lee' }, moderation: { target: { id: 'lee' }, reason: 'rude', expiresAt: expect.any(String), shadow: false, global: false } });

    await command(ch, '/unban lee');
    ({ bans } = (await stack.client.queryBannedUsers({ user_id: 'lee', channel_cid: ch.cid } as Loose)) as Loose);
    expect(bans).toEqual([]);
    expect(heard.some((e) => e.type === 'user.unbanned' && e.conversation.id === ch.cid)).toBe(true);

    await command(ch, '/ban lee global');
    const { users } = await stack.client.queryUsers({ id: 'lee' });
    expect(users[0]).toMatchObject({ banned: true });
    await command(ch, '/unban lee global');
    expect((await stack.client.queryUsers({ id: 'lee' })).users[0]).toMatchObject({ banned: false });
  });

  it('ctx.shadowBan: lee keeps posting and sees it; other members never do (their reads and getMessage say shadowed)', async () => {
    const ch = await channel();
    await command(ch, '/shadow lee');
    const { bans } = (await stack.client.queryBannedUsers({ user_id: 'lee', channel_cid: ch.cid } as Loose)) as Loose;
    expect(bans[0]).toMatchObject({ shadow: true });
    const { message } = await ch.sendMessage({ text: 'psst, nobody hears me', user_id: 'lee' } as Loose);
    expect(message.shadowed).toBe(false);

    const asKim = await stack.userClient('kim');
    const asLee = await stack.userClient('lee');
    const kimSees = await asKim.channel('messaging', ch.id!).query({ messages: { limit: 50 } });
    const leeSees = await asLee.channel('messaging', ch.id!).query({ messages: { limit: 50 } });
    expect(kimSees.messages.map((m) => m.text)).not.toContain('psst, nobody hears me');
    expect(leeSees.messages.map((m) => m.text)).toContain('psst, nobody hears me');
    expect(kimSees.members.find((m) => m.user_id === 'lee')).toMatchObject({ shadow_banned: true });
    expect((await asKim.getMessage(message.id)).message.shadowed).toBe(true);
    expect((await asLee.getMessage(message.id)).message.shadowed).toBe(false);
  });

  it('ctx.pin / ctx.unpin, and a silent pinned send: pinned messages, pinned_by, silent, nobody\'s unread count raised', async () => {
    const ch = await channel();
    const target = await command(ch, '/pin');
    let pinned = await ch.getPinnedMessages({});
    expect(pinned.messages.map((m) => m.id)).toEqual([target.id]);
    expect((await stack.client.getMessage(target.id)).message).toMatchObject({ pinned: true, pinned_by: { id: 'botyard' } });
    await command(ch, `/unpin ${target.id}`);
    pinned = await ch.getPinnedMessages({});
    expect(pinned.messages).toEqual([]);

    const unreadBefore = stack.emu.state.reads(ch.cid).find((r: Loose) => r.user.id === 'lee')!.unread_messages as number;
    await command(ch, '/rules');
    // Kim's /rules counts for lee; the bot's silent answer does not.
    const rules = stack.emu.state.messages(ch.cid).find((m: Loose) => m.text === 'House rules: be kind.') as Loose;
    const { message } = await stack.client.getMessage(rules.id);
    expect(message).toMatchObject({ silent: true, pinned: true, pinned_by: { id: 'botyard' } });
    expect((await ch.getPinnedMessages({})).messages.map((m) => m.id)).toEqual([rules.id]);
    expect(stack.emu.state.reads(ch.cid).find((r: Loose) => r.user.id === 'lee')!.unread_messages).toBe(unreadBefore + 1);
  });

  it('no handler failed along the way', () => {
    expect(failures).toEqual([]);
  });
});
