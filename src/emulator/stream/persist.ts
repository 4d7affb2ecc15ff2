/**
 * The Stream emulator's state on disk for `botyard dev` (`stateFile`): users (soft-deleted ones with
 * `deleted_at`), channels with members and reads, messages (with who deleted them "for me"), bans, flags,
 * custom roles and app settings survive a restart, so a restarted dev finds its
 * conversations where it left them. Not kept: typing (ephemeral), the webhook URL (dev sets it at
 * every start) and delivery history.
 */
import { snapshotFile, type SnapshotFile } from '../snapshot-file.ts';
import type { AppSettingsRecord, BanRecord, ChannelRecord, FlagRecord, MemberRecord, MessageRecord, ReadRecord, RoleRecord, UserRecord } from './records.ts';
import type { StreamStore } from './store.ts';

type SavedChannel = Omit<ChannelRecord, 'members' | 'reads'> & { members: MemberRecord[]; reads: ReadRecord[] };

interface StreamSnapshot {
  version: 1;
  users: UserRecord[];
  channels: SavedChannel[];
  messages: MessageRecord[];
  bans: BanRecord[];
  flags: FlagRecord[];
  /** Custom roles (`POST /roles`); absent in files written before roles existed. */
  roles?: RoleRecord[];
  app: Omit<AppSettingsRecord, 'webhook_url'>;
}

function take(store: StreamStore): StreamSnapshot {
  const { webhook_url: _ignored, ...app } = store.app;
  return {
    version: 1,
    users: [...store.users.values()],
    channels: [...store.channels.values()].map((c) => ({ ...c, members: [...c.members.values()], reads: [...c.reads.values()] })),
    messages: [...store.messages.values()],
    bans: store.bans,
    flags: store.flags,
    roles: [...store.roles.values()],
    app,
  };
}

function restore(store: StreamStore, saved: StreamSnapshot): void {
  for (const u of saved.users) store.users.set(u.id, u);
  for (const c of saved.channels) {
    store.channels.set(c.cid, { ...c, members: new Map(c.members.map((m) => [m.user_id, m])), reads: new Map(c.reads.map((r) => [r.user_id, r])) });
  }
  for (const m of saved.messages) store.messages.set(m.id, m);
  store.bans.push(...saved.bans);
  store.flags.push(...saved.flags);
  for (const r of saved.roles ?? []) store.roles.set(r.name, r);
  Object.assign(store.app, saved.app);
}

/** Loads `file` into `store` (when it exists) and keeps it up to date as the emulator announces changes. */
export function persistStreamStore(store: StreamStore, file: string): SnapshotFile<StreamSnapshot> {
  const snapshot = snapshotFile<StreamSnapshot>(file, () => take(store));
  const saved = snapshot.load();
  if (saved) restore(store, saved);
  // Every change the emulator makes is announced (typing too: saving it costs one write a burst);
  // the few no event announces (custom roles) come as `change`.
  store.feed.on('event', () => snapshot.changed());
  store.feed.on('change', () => snapshot.changed());
  return snapshot;
}
