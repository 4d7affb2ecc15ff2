/**
 * `defineBot` and the registration API a bot's `setup(bot, config)` uses.
 *
 * A bot is a plain object (`BotDefinition`); `setup` runs against a `BotBuilder` that records
 * handlers into a `BotRegistration`. Nothing here runs handlers: that is the dispatcher's job.
 */
import type { z } from 'zod';
import type { ConversationRef, EventType, InboundEvent } from '../adapters/adapter.ts';
import type { Context } from '../context/context.ts';
import { checkLatePolicy, type LatePolicy } from '../scheduler/timers/policy.ts';
import type { BotErrorHandler, Middleware } from './hooks.ts';
import type { DecisionContext } from '../context/decision.ts';

export type Handler<C = Context> = (ctx: C) => unknown | Promise<unknown>;

/** How a handler decides whether an event is for it. */
export type Matcher =
  | { kind: 'message' }
  | { kind: 'hear'; pattern: RegExp }
  | { kind: 'mention' }
  | { kind: 'command'; name: string }
  | { kind: 'event'; type: string };

export interface HandlerEntry {
  /** A readable name for logs: `hear(/hello/i)`, `command(/remind)`. */
  label: string;
  matcher: Matcher;
  handler: Handler;
}

export interface ScheduleOptions {
  /** IANA zone, e.g. 'Europe/Berlin'. Default: the machine's zone. */
  timezone?: string;
  /** Where `ctx.send` posts: `stream:messaging:general`, `acs:<threadId>`, or a ConversationRef. */
  target?: string | ConversationRef;
  /** A name for logs and the console; default `<bot>#<n>`. */
  name?: string;
  /**
   * A tick that fell while no instance was running: `'skip'` it (default; logged) or run it `'once'`
   * when the first instance comes back (one catch-up run, however many ticks were missed).
   */
  catchUp?: 'skip' | 'once';
}

export interface TimerOptions {
  /**
   * A timer that fires more than `timers.lateAfterMs` after its due time (no instance was running):
   * `'fire'` it anyway (default; `ctx.timer.late` is true), `'skip'` it, or fire it only when at most
   * this late (`'2h'`, or ms). `timers.late['<bot>/<name>']` in bot.config.ts overrides it.
   */
  late?: LatePolicy;
}

export interface TimerEntry {
  name: string;
  options: TimerOptions;
  handler: Handler;
}

export interface ScheduleEntry {
  name: string;
  cron: string;
  options: ScheduleOptions;
  handler: Handler;
}

/** A `bot.beforeSend` handler: decides on a message before the platform stores it. */
export interface BeforeSendEntry {
  label: string;
  handler: (ctx: DecisionContext) => unknown | Promise<unknown>;
}

export interface BotOptions {
  /** Receive messages from other bots too (never from this runtime's own user). Default false. */
  acceptBotMessages?: boolean;
}

/** What `setup` built: the bot's handlers and schedules. */
export interface BotRegistration {
  handlers: HandlerEntry[];
  schedules: ScheduleEntry[];
  /** One-off timer handlers by name (`bot.timer`). */
  timers: TimerEntry[];
  options: BotOptions;
  /** `bot.beforeSend` handlers, in registration order. */
  beforeSend: BeforeSendEntry[];
  /** `bot.use(mw)`: run before each handler, in order (hooks.ts). */
  middleware: Middleware[];
  /** `bot.onError(h)`: told of each failed handler run. */
  errorHandlers: BotErrorHandler[];
}

/** The registration API handed to `setup`. Every method returns the builder, so calls can chain. */
export class BotBuilder {
  readonly registration: BotRegistration = { handlers: [], schedules: [], timers: [], options: {}, beforeSend: [], middleware: [], errorHandlers: [] };

  constructor(readonly name: string) {}

  private add(label: string, matcher: Matcher, handler: Handler): this {
    if (typeof handler !== 'function') throw new TypeError(`${this.name}: ${label} needs a handler function`);
    this.registration.handlers.push({ label, matcher, handler });
    return this;
  }

  /** Every new message (not the bot's own). */
  onMessage(handler: Handler): this {
    return this.add('onMessage', { kind: 'message' }, handler);
  }
  /** New messages whose text matches; the match is on `ctx.match`. */
  hear(pattern: RegExp, handler: Handler): this {
    return this.add(`hear(${pattern})`, { kind: 'hear', pattern }, handler);
  }
  /** New messages that mention the bot, by id or by `@name`. */
  onMention(handler: Handler): this {
    return this.add('onMention', { kind: 'mention' }, handler);
  }
  /** `/name args…`: parsed args on `ctx.command`. */
  command(name: string, handler: Handler): this {
    const clean = name.replace(/^\//, '');
    if (!/^[\w-]+$/.test(clean)) throw new TypeError(`${this.name}: command name '${name}' must be letters, digits, _ or -`);
    return this.add(`command(/${clean})`, { kind: 'command', name: clean.toLowerCase() }, handler);
  }
  onMemberAdded(handler: Handler): this {
    return this.on('member.added', handler);
  }
  onMemberRemoved(handler: Handler): this {
    return this.on('member.removed', handler);
  }
  onReaction(handler: Handler): this {
    return this.on('reaction.new', handler);
  }
  onMessageUpdated(handler: Handler): this {
    return this.on('message.updated', handler);
  }
  onMessageDeleted(handler: Handler): this {
    return this.on('message.deleted', handler);
  }
  /** Any event type, normalized (`message.read`, `conversation.updated`) or platform-specific. `'*'` is every event. */
  on(type: EventType | (string & {}), handler: Handler): this {
    return this.add(`on(${type})`, { kind: 'event', type }, handler);
  }
  /** Runs `handler` on a cron schedule (node-cron syntax, seconds optional); `ctx.send` posts to `target`. */
  schedule(cron: string, options: ScheduleOptions, handler: Handler): this;
  schedule(cron: string, handler: Handler): this;
  schedule(cron: string, optionsOrHandler: ScheduleOptions | Handler, maybeHandler?: Handler): this {
    const handler = typeof optionsOrHandler === 'function' ? optionsOrHandler : maybeHandler;
    const options = typeof optionsOrHandler === 'function' ? {} : optionsOrHandler;
    if (typeof handler !== 'function') throw new TypeError(`${this.name}: schedule('${cron}') needs a handler function`);
    if (options.catchUp !== undefined && options.catchUp !== 'skip' && options.catchUp !== 'once') {
      throw new TypeError(`${this.name}: schedule('${cron}') { catchUp } must be 'skip' (default) or 'once' (got ${JSON.stringify(options.catchUp)})`);
    }
    const name = options.name ?? `${this.name}#${this.registration.schedules.length + 1}`;
    this.registration.schedules.push({ name, cron, options, handler });
    return this;
  }
  /**
   * What happens when a one-off timer of this name fires: `ctx.timers.schedule(name, { in: '10m' }, payload)`
   * from any handler schedules one. The handler's Context is bound to the timer's conversation and
   * carries `ctx.timer` (`{ id, name, dueAt, payload, late, lateByMs, attempt, user }`).
   */
  timer(name: string, options: TimerOptions, handler: Handler): this;
  timer(name: string, handler: Handler): this;
  timer(name: string, optionsOrHandler: TimerOptions | Handler, maybeHandler?: Handler): this {
    const handler = typeof optionsOrHandler === 'function' ? optionsOrHandler : maybeHandler;
    const options = typeof optionsOrHandler === 'function' ? {} : (optionsOrHandler ?? {});
    if (typeof name !== 'string' || !/^[\w.-]{1,100}$/.test(name)) throw new TypeError(`${this.name}: timer name ${JSON.stringify(name)} must be 1 to 100 letters, digits, _, . or -`);
    if (typeof handler !== 'function') throw new TypeError(`${this.name}: timer('${name}') needs a handler function`);
    if (this.registration.timers.some((t) => t.name === name)) throw new TypeError(`${this.name}: timer('${name}') is registered twice; give each timer handler its own name`);
    if (options.late !== undefined) checkLatePolicy(options.late, `${this.name}: timer('${name}') { late }`);
    this.registration.timers.push({ name, options, handler });
    return this;
  }
  /**
   * Decides on every message before the platform stores it (Stream's Before Message Send hook):
   * `ctx.allow()`, `ctx.reject({ reason, notify })` or `ctx.rewrite({ text })`. Runs only where
   * `ctx.can('preSend')`; elsewhere the runtime says at start that these handlers are inactive.
   */
  beforeSend<Config = unknown>(handler: (ctx: DecisionContext<Config>) => unknown | Promise<unknown>): this {
    if (typeof handler !== 'function') throw new TypeError(`${this.name}: beforeSend needs a handler function`);
    const n = this.registration.beforeSend.length + 1;
    this.registration.beforeSend.push({ label: n === 1 ? 'beforeSend' : `beforeSend#${n}`, handler: handler as BeforeSendEntry['handler'] });
    return this;
  }
  /**
   * Middleware run before each of this bot's handlers (events, schedules and timers), in the order added:
   * `bot.use(async (ctx, next) => { if (allowed(ctx.sender)) await next(); })`. Not calling `next()`
   * stops the handler; code after `await next()` runs once it finished. The handler's timeout covers both.
   */
  use(middleware: Middleware): this {
    if (typeof middleware !== 'function') throw new TypeError(`${this.name}: use() needs a middleware function (ctx, next) => ...`);
    this.registration.middleware.push(middleware);
    return this;
  }
  /**
   * Told of each of this bot's handler runs that threw or timed out: `bot.onError((error, ctx, info) => ...)`.
   * The failure is logged and the event retried as usual; use this to tell the user or count failures.
   */
  onError(handler: BotErrorHandler): this {
    if (typeof handler !== 'function') throw new TypeError(`${this.name}: onError() needs a function (error, ctx, info) => ...`);
    this.registration.errorHandlers.push(handler);
    return this;
  }
  /** Bot-wide options, e.g. `{ acceptBotMessages: true }`. */
  options(options: BotOptions): this {
    Object.assign(this.registration.options, options);
    return this;
  }
}

const BOT_BRAND = Symbol.for('botyard.bot');

/** A bot as a file default-exports it. */
export interface BotDefinition<S extends z.ZodType = z.ZodType> {
  readonly [BOT_BRAND]: true;
  name: string;
  description?: string;
  /** Validates this bot's part of bot.config.ts (`bots.<name>`). */
  config?: S;
  setup(bot: BotBuilder, config: z.output<S>): void | Promise<void>;
}

/** Declares a bot: `export default defineBot({ name, config?, setup(bot, config) { ... } })`. */
export function defineBot<S extends z.ZodType = z.ZodType<Record<string, never>>>(definition: {
  name: string;
  description?: string;
  config?: S;
  setup(bot: BotBuilder, config: z.output<S>): void | Promise<void>;
}): BotDefinition<S> {
  if (!definition || typeof definition.name !== 'string' || !/^[a-z0-9][a-z0-9_-]*$/i.test(definition.name)) {
    throw new TypeError(`defineBot: 'name' must be letters, digits, _ or - (got ${JSON.stringify(definition?.name)})`);
  }
  if (typeof definition.setup !== 'function') throw new TypeError(`defineBot(${definition.name}): 'setup' must be a function`);
  return { ...definition, [BOT_BRAND]: true };
}

/** True for what `defineBot` returned (works across module copies, as hot reload makes them). */
export function isBotDefinition(value: unknown): value is BotDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BOT_BRAND] === true;
}

/** The event that a schedule's handler receives: a synthetic `schedule.tick`. */
export function isScheduleEvent(event: InboundEvent): boolean {
  return event.type === 'schedule.tick';
}
