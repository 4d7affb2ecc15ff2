/**
 * The emulator's state and its change feed. Routes mutate records through this object and call
 * `announce()` for every event the real service would announce; listeners (webhook dispatcher,
 * tests, a dev console) receive each one in order.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { AppSettingsRecord, BanRecord, ChannelRecord, FlagRecord, MessageRecord, MuteRecord, RoleRecord, UserRecord } from './records.ts';
import type { PreSendCall, PreSendScreen } from './before-send.ts';
import { notFound } from './errors.ts';

/** An event as Stream announces it: `type`, `created_at` and the type's own fields, custom fields flat. */
export type StreamEvent = { type: string; created_at: string; cid?: string } & Record<string, unknown>;

export interface StoreOptions {
  now?: () => Date;
  /** Sequential, reproducible ids (`00000000-0000-4000-8000-000000000001`) instead of random UUIDs. */
  deterministicIds?: boolean;
}

export class StreamStore {
  readonly users = new Map<string, UserRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly messages = new Map<string, MessageRecord>();
  readonly bans: BanRecord[] = [];
  readonly flags: FlagRecord[] = [];
  readonly mutes: MuteRecord[] = [];
  /** Every call to the before-send hook, rejected messages included (they are stored nowhere else). */
  readonly preSendCalls: PreSendCall[] = [];
  /** Asks the before-send hook about a message, when one is set (installed by the emulator). */
  preSend?: PreSendScreen;
  /** Custom roles made with `POST /roles` (the built-in ones are in roles.ts). */
  readonly roles = new Map<string, RoleRecord>();
  /** cid → user id → when they last started typing (ISO), cleared by typing.stop. */
  readonly typing = new Map<string, Map<string, string>>();
  readonly app: AppSettingsRecord = { name: 'botyard-emulator', event_hooks: [], custom: {} };
  readonly feed = new EventEmitter();
  private readonly clock: () => Date;
  private readonly sequential: boolean;
  private counter = 0;
  private lastIso = '';

  constructor(options: StoreOptions = {}) {
    this.clock = options.now ?? (() => new Date());
    this.sequential = options.deterministicIds ?? false;
    this.feed.setMaxListeners(100);
  }

  /** A strictly increasing ISO timestamp, so two updates in the same millisecond still differ. */
  nowIso(): string {
    let iso = this.clock().toISOString();
    if (iso <= this.lastIso) iso = new Date(Date.parse(this.lastIso) + 1).toISOString();
    this.lastIso = iso;
    return iso;
  }

  nowMs(): number {
    return this.clock().getTime();
  }

  newId(): string {
    if (!this.sequential) return randomUUID();
    this.counter += 1;
    return `00000000-0000-4000-8000-${this.counter.toString(16).padStart(12, '0')}`;
  }

  announce(event: StreamEvent): void {
    this.feed.emit('event', event);
  }

  /** A change the service announces no event for (custom roles): `change` on the feed, for the state file. */
  changed(): void {
    this.feed.emit('change');
  }

  /** Returns the user, creating a bare one (role `user`) when the id is new, as Stream does for `user: {id}`. */
  ensureUser(id: string): UserRecord {
    let user = this.users.get(id);
    if (!user) {
      const at = this.nowIso();
      user = { id, role: 'user', created_at: at, updated_at: at, banned: false, custom: {} };
      this.users.set(id, user);
    }
    return user;
  }

  channel(type: string, id: string): ChannelRecord {
    const ch = this.channels.get(`${type}:${id}`);
    if (!ch) throw notFound(`Channel "${type}:${id}" does not exist`);
    return ch;
  }

  message(id: string): MessageRecord {
    const m = this.messages.get(id);
    if (!m) throw notFound(`Message with id ${id} not found`);
    return m;
  }

  /** True when the user is banned (not shadow banned) globally or in this channel, and the ban has not expired. */
  isBanned(userId: string, cid?: string): boolean {
    return this.activeBan(userId, cid, false);
  }

  /** True when the user is shadow banned globally or in this channel, and the ban has not expired. */
  isShadowBanned(userId: string, cid?: string): boolean {
    return this.activeBan(userId, cid, true);
  }

  private activeBan(userId: string, cid: string | undefined, shadow: boolean): boolean {
    const now = this.nowMs();
    return this.bans.some(
      (b) => b.target_user_id === userId && b.shadow === shadow && (b.cid === undefined || b.cid === cid) && (!b.expires || Date.parse(b.expires) > now),
    );
  }
}
