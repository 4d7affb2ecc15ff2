/** The botyard attributes of event and handler spans (spans.ts), set only once a span is recorded. */
import type { Attributes } from '@opentelemetry/api';
import type { InboundEvent } from '../adapters/adapter.ts';

export const eventAttributes = (event: InboundEvent): Attributes => ({
  'botyard.event.id': event.id,
  'botyard.event.type': event.type,
  'botyard.platform': event.platform,
  'botyard.conversation': `${event.conversation.platform}:${event.conversation.id}`,
});

/**
 * A handler span's attributes, written out rather than spread from eventAttributes: in V8 (Node 20) that
 * spread followed by more keys cost more than the rest of a recorded handler span (bench/NOTES.md).
 */
export const handlerAttributes = (event: InboundEvent, bot: string, handler: string, attempt: number): Attributes => ({
  'botyard.event.id': event.id,
  'botyard.event.type': event.type,
  'botyard.platform': event.platform,
  'botyard.conversation': `${event.conversation.platform}:${event.conversation.id}`,
  'botyard.bot': bot,
  'botyard.handler': handler,
  'botyard.attempt': attempt,
});
