/**
 * `/remind in 10m <text>` posts <text> back after the delay; optionally a weekly post to one conversation.
 * Reminders live in the bot's store, and a ticker every 15 seconds sends the due ones, so they survive
 * restarts and, on Redis, are sent by exactly one instance.
 */
import { defineBot, z, type ConversationRef } from 'botyard';

interface Reminder {
  due: number;
  text: string;
  user: { id: string; name?: string };
  conversation: ConversationRef;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export default defineBot({
  name: 'reminders',
  config: z.object({
    /** Where the weekly post goes, e.g. 'stream:messaging:general'. No weekly post when unset. */
    weeklyTarget: z.string().optional(),
    weeklyCron: z.string().default('0 9 * * 1'),
    weeklyText: z.string().default('Good morning! What are everyone\'s goals for this week?'),
    timezone: z.string().default('UTC'),
  }),
  setup(bot, config) {
    bot.command('remind', async (ctx) => {
      const m = /^in\s+(\d+)\s*([smhd])\s+([\s\S]+)$/i.exec(ctx.command!.text);
      if (!m) {
        await ctx.reply('Usage: /remind in 10m <text> (units: s, m, h, d)');
        return;
      }
      const due = Date.parse(ctx.event.occurredAt) + Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
      const list = (await ctx.store.get<Reminder[]>('pending')) ?? [];
      list.push({ due, text: m[3]!, user: ctx.sender, conversation: ctx.conversation });
      await ctx.store.set('pending', list);
      await ctx.reply(`OK ${ctx.mention(ctx.sender)}, I will remind you at ${new Date(due).toISOString().slice(11, 16)} UTC.`);
    });

    bot.schedule('*/15 * * * * *', { name: 'due-reminders' }, async (ctx) => {
      const now = Date.parse(ctx.event.occurredAt);
      const list = (await ctx.store.get<Reminder[]>('pending')) ?? [];
      const due = list.filter((r) => r.due <= now);
      if (!due.length) return;
      await ctx.store.set('pending', list.filter((r) => r.due > now));
      for (const r of due) await ctx.sendTo(r.conversation, `${ctx.mention(r.user)} reminder: ${r.text}`);
    });

    if (config.weeklyTarget) {
      bot.schedule(config.weeklyCron, { name: 'weekly', timezone: config.timezone, target: config.weeklyTarget }, (ctx) => ctx.send(config.weeklyText));
    }
  },
});
