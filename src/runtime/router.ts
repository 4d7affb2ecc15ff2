/**
 * Which handlers an event is for. Pure functions: no I/O, no state.
 */
import type { InboundEvent, Message, UserRef } from '../adapters/adapter.ts';
import type { CommandInvocation } from '../context/context.ts';
import type { HandlerEntry } from './bot.ts';

export interface HandlerMatch {
  entry: HandlerEntry;
  match?: RegExpMatchArray;
  command?: CommandInvocation;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `@name` / `@id` patterns by bot user, built once: this runs for every message. */
const mentionPatterns = new Map<string, RegExp>();

function mentionPattern(me: UserRef): RegExp {
  const key = `${me.id}\u0000${me.name ?? ''}`;
  let pattern = mentionPatterns.get(key);
  if (!pattern) {
    const names = [me.name, me.id].filter((n): n is string => Boolean(n)).map(escapeRegExp);
    pattern = new RegExp(`(^|[^\\w@])@(${names.join('|')})(?![\\w-])`, 'i');
    mentionPatterns.set(key, pattern);
  }
  return pattern;
}

/** True when the message mentions `me`: listed in its mentions, or `@name` / `@id` in its text. */
export function mentionsUser(message: Message, me: UserRef): boolean {
  if (message.mentions.some((m) => m.id === me.id)) return true;
  return message.text.includes('@') && mentionPattern(me).test(message.text);
}

/** `/remind in 10m tea` → `{ name: 'remind', args: [...], text }`; undefined when the text is not a command. */
export function parseCommand(text: string): CommandInvocation | undefined {
  const m = /^\s*\/([\w-]+)(?:@\S+)?(?:\s+([\s\S]*))?$/.exec(text);
  if (!m) return undefined;
  const rest = (m[2] ?? '').trim();
  return { name: m[1]!.toLowerCase(), args: rest ? rest.split(/\s+/) : [], text: rest };
}

/** The handlers of one bot that `event` triggers, in registration order. */
export function matchHandlers(entries: readonly HandlerEntry[], event: InboundEvent, me: UserRef | undefined): HandlerMatch[] {
  const out: HandlerMatch[] = [];
  const message = event.type === 'message.new' ? event.message : undefined;
  let command: CommandInvocation | undefined | null = null;
  for (const entry of entries) {
    const m = entry.matcher;
    switch (m.kind) {
      case 'event':
        if (m.type === event.type || m.type === '*') out.push({ entry });
        break;
      case 'message':
        if (message) out.push({ entry });
        break;
      case 'hear': {
        if (!message) break;
        m.pattern.lastIndex = 0;
        const match = m.pattern.exec(message.text);
        if (match) out.push({ entry, match });
        break;
      }
      case 'mention':
        if (message && me && mentionsUser(message, me)) out.push({ entry });
        break;
      case 'command':
        if (!message) break;
        if (command === null) command = parseCommand(message.text);
        if (command && command.name === m.name) out.push({ entry, command });
        break;
    }
  }
  return out;
}
