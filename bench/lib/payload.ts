/**
 * Signed Stream `message.new` webhook bodies as the service sends them (~1.5 KB), unique per call.
 */
import { createHmac } from 'node:crypto';

export const BENCH_SECRET = 'botyard_bench_secret_0123456789';
export const BENCH_KEY = 'botyard_bench_key';

const filler = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore. ';

export interface BodyOptions {
  id: string;
  channel: string;
  text?: string;
  /** Users the message mentions (Stream's mentioned_users). */
  mentions?: Array<{ id: string; name: string }>;
}

export function messageNewBody({ id, channel, text, mentions = [] }: BodyOptions): string {
  const now = new Date().toISOString();
  const user = { id: 'kim', name: 'Kim Lee', role: 'user', image: 'https://example.com/avatars/kim.png', created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z', online: true, banned: false };
  return JSON.stringify({
    type: 'message.new',
    cid: `messaging:${channel}`,
    channel_id: channel,
    channel_type: 'messaging',
    channel: { id: channel, type: 'messaging', cid: `messaging:${channel}`, member_count: 12, created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z' },
    message: {
      id,
      text: text ?? `${filler}${filler}${filler}`.slice(0, 350),
      html: '<p>…</p>',
      type: 'regular',
      user,
      attachments: [],
      latest_reactions: [],
      own_reactions: [],
      reaction_counts: {},
      reaction_scores: {},
      reply_count: 0,
      cid: `messaging:${channel}`,
      created_at: now,
      updated_at: now,
      shadowed: false,
      mentioned_users: mentions,
      silent: false,
      pinned: false,
      pinned_at: null,
      pin_expires: null,
      pinned_by: null,
      i18n: { language: 'en' },
    },
    user: { ...user, total_unread_count: 3, unread_channels: 1, channel_unread_count: 1, channel_last_read_at: now },
    watcher_count: 4,
    members: [],
    created_at: now,
  });
}

export const sign = (body: string, secret = BENCH_SECRET) => createHmac('sha256', secret).update(body).digest('hex');
