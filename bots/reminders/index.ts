/**
 * Reminders on durable timers. In a conversation:
 *   /remind in 10m <text>          /remind at 09:00 <text>        /remind tomorrow 09:00 <text>
 *   /reminders                     lists your pending reminders here, numbered
 *   /remind cancel <n>             cancels number n of that list
 *   /remind timezone Europe/Berlin sets the zone your clock times are in (default: the bot's `timezone`)
 * Each reminder is one `ctx.timers` timer: it survives restarts, fires once across instances, and a
 * retried command never schedules it twice. The weekly post stays a cron schedule.
 */
import { defineBot, z, type Context } from 'botyard';
import { parseDue } from './when.ts';
import { dayAndTime, whenInWords } from './words.ts';
import { isZone } from './zone.ts';

interface Reminder {
  text: string;
}

interface Prefs {
  timezone?: string;
}

const USAGE = 'Usage: /remind in 10m <text> · /remind at 09:00 <text> · /remind tomorrow 09:00 <text> · /reminders · /remind cancel <n> · /remind timezone <Area/City>';

export default defineBot({
  name: 'reminders',
  config: z.object({
    /** Where the weekly post goes, e.g. 'stream:messaging:general'. No weekly post when unset. */
    weeklyTarget: z.string().optional(),
    weeklyCron: z.string().default('0 9 * * 1'),
    weeklyText: z.string().default('Good morning! What are everyone\'s goals for this week?'),
    /** The bot's zone: the weekly post's, and clock times of users who have not set their own. */
    timezone: z.string().refine(isZone, 'an IANA zone such as Europe/Berlin or UTC').default('UTC'),
  }),
  setup(bot, config) {
    /** The user's own zone (from /remind timezone), else the bot's. */
    const zoneOf = async (ctx: Context, userId: string) => {
      const own = (await ctx.store.get<Prefs>(`prefs:${userId}`))?.timezone;
      return { zone: own ?? config.timezone, own: own !== undefined };
    };
    const mine = (ctx: Context) => ctx.timers.list({ user: ctx.sender, conversation: ctx.conversation });
    /** The reminders as last listed to this user here, so numbers keep meaning what they showed. */
    const listedKey = (ctx: Context) => `listed:${ctx.conversation.platform}:${ctx.conversation.id}:${ctx.sender.id}`;

    bot.command('remind', async (ctx) => {
      const text = ctx.command!.text.trim();
      const [verb, arg] = text.split(/\s+/);

      if (verb?.toLowerCase() === 'timezone') {
        if (!arg) {
          const { zone, own } = await zoneOf(ctx, ctx.sender.id);
          return ctx.reply(`Your clock times are in ${zone}${own ? '' : " (the bot's default)"}. Change it with /remind timezone <Area/City>.`);
        }
        if (!isZone(arg)) return ctx.reply(`'${arg}' is not a time zone I know. Use an IANA name such as Europe/Berlin, America/New_York or UTC.`);
        // Read-modify-write of the user's settings: atomic, so a concurrent change to another setting is kept.
        await ctx.store.update<Prefs>(`prefs:${ctx.sender.id}`, (prefs) => ({ ...prefs, timezone: arg }));
        return ctx.reply(`OK ${ctx.mention(ctx.sender)}, your clock times are now in ${arg}.`);
      }

      if (verb?.toLowerCase() === 'cancel') {
        const n = Number(arg);
        const ids = (await ctx.store.get<string[]>(listedKey(ctx))) ?? (await mine(ctx)).map((r) => r.id);
        const id = Number.isInteger(n) && n >= 1 ? ids[n - 1] : undefined;
        if (!id) return ctx.reply(`There is no reminder ${arg ?? '<n>'} to cancel here: /reminders shows their numbers.`);
        const reminder = await ctx.timers.get(id);
        if (!reminder || !(await ctx.timers.cancel(id))) return ctx.reply(`Reminder ${n} is no longer pending (it went off, or was cancelled).`);
        return ctx.reply(`Cancelled reminder ${n}: ${(reminder.payload as Reminder).text}`);
      }

      const { zone, own } = await zoneOf(ctx, ctx.sender.id);
      // From when the user asked, so a retried command computes the same time (and the same timer).
      const now = Date.parse(ctx.event.occurredAt);
      const due = parseDue(text, now, zone);
      if (!due) return ctx.reply(USAGE);
      await ctx.timers.schedule('reminder', { at: new Date(due.dueAt) }, { text: due.text } satisfies Reminder);
      const hint = own || due.kind === 'in' ? '' : ' Set your own zone with /remind timezone <Area/City>.';
      return ctx.reply(`OK ${ctx.mention(ctx.sender)}, I will remind you ${whenInWords(due.dueAt, now, zone, due.kind)}.${hint}`);
    });

    bot.command('reminders', async (ctx) => {
      const pending = await mine(ctx);
      await ctx.store.set(listedKey(ctx), pending.map((r) => r.id), { ttlMs: 7 * 86_400_000 });
      if (!pending.length) return ctx.reply('You have no pending reminders here.');
      const { zone } = await zoneOf(ctx, ctx.sender.id);
      const now = Date.parse(ctx.event.occurredAt);
      const lines = pending.map((r, i) => `${i + 1}. ${dayAndTime(r.dueAt.getTime(), now, zone)}: ${(r.payload as Reminder).text}`);
      return ctx.reply(`Your reminders here (${zone}):\n${lines.join('\n')}\nCancel one with /remind cancel <n>.`);
    });

    // Late (no instance was running at its time) is still better than never: say so and post it.
    bot.timer('reminder', { late: 'fire' }, async (ctx) => {
      const { text } = ctx.timer!.payload as Reminder;
      const who = ctx.timer!.user ? `${ctx.mention(ctx.timer!.user)} ` : '';
      if (!ctx.timer!.late) return ctx.send(`${who}reminder: ${text}`);
      const { zone } = await zoneOf(ctx, ctx.timer!.user?.id ?? '');
      const firedAt = ctx.timer!.dueAt.getTime() + ctx.timer!.lateByMs;
      const was = dayAndTime(ctx.timer!.dueAt.getTime(), firedAt, zone);
      return ctx.send(`${who}reminder (due ${was} ${zone}; sent late, I was offline): ${text}`);
    });

    if (config.weeklyTarget) {
      bot.schedule(config.weeklyCron, { name: 'weekly', timezone: config.timezone, target: config.weeklyTarget }, (ctx) => ctx.send(config.weeklyText));
    }
  },
});
