/**
 * The Stream emulator's state on disk for `botyard dev` (`stateFile`): users (soft-deleted ones with
 * `deleted_at`), channels with members and reads, messages (with who deleted them "for me"), bans, mutes,
 * flags, custom roles, app settings and uploaded files (their bytes in `<state file>.uploads/`) survive a
 * restart, so a restarted dev finds its conversations where it left them. Links to uploads name the
 * emulator's address, which changes between runs (a free port each time): the file keeps the address it
 * was saved under, and links to it are rewritten to the new one at start. Not kept: typing (ephemeral),
 * the webhook URL (dev sets it at every start) and delivery history.
 */
import { snapshotFile, type SnapshotFile } from '../snapshot-file.ts';
import type { AppSettingsRecord, BanRecord, ChannelRecord, FlagRecord, MemberRecord, MessageRecord, MuteRecord, ReadRecord, RoleRecord, UserRecord } from './records.ts';
import type { SavedUpload, UploadStore } from './routes/uploads.ts';
import type { StreamStore } from './store.ts';

type SavedChannel = Omit<ChannelRecord, 'members' | 'reads'> & { members: MemberRecord[]; reads: ReadRecord[] };

interface StreamSnapshot {
  version: 1;
  /** The emulator's base URL when saved (absent in older files). */
  url?: string;
  users: UserRecord[];
  channels: SavedChannel[];
  messages: MessageRecord[];
  bans: BanRecord[];
  /** Absent in files written before mutes were kept. */
  mutes?: MuteRecord[];
  flags: FlagRecord[];
  /** Custom roles (`POST /roles`); absent in files written before roles existed. */
  roles?: RoleRecord[];
  /** Uploaded files, without their bytes (those are in the uploads folder). */
  uploads?: SavedUpload[];
  app: Omit<AppSettingsRecord, 'webhook_url'>;
}

/** The folder beside the state file where uploaded files' bytes are kept. */
export const uploadsDirOf = (stateFile: string) => `${stateFile}.uploads`;

function take(store: StreamStore, uploads: UploadStore | undefined, url: string | undefined): StreamSnapshot {
  const { webhook_url: _ignored, ...app } = store.app;
  return {
    version: 1,
    ...(url ? { url } : {}),
    users: [...store.users.values()],
    channels: [...store.channels.values()].map((c) => ({ ...c, members: [...c.members.values()], reads: [...c.reads.values()] })),
    messages: [...store.messages.values()],
    bans: store.bans,
    mutes: store.mutes,
    flags: store.flags,
    roles: [...store.roles.values()],
    ...(uploads ? { uploads: uploads.saved() } : {}),
    app,
  };
}

function restore(store: StreamStore, uploads: UploadStore | undefined, saved: StreamSnapshot): void {
  for (const u of saved.users) store.users.set(u.id, u);
  for (const c of saved.channels) {
    store.channels.set(c.cid, { ...c, members: new Map(c.members.map((m) => [m.user_id, m])), reads: new Map(c.reads.map((r) => [r.user_id, r])) });
  }
  for (const m of saved.messages) store.messages.set(m.id, m);
  store.bans.push(...saved.bans);
  store.mutes.push(...(saved.mutes ?? []));
  store.flags.push(...saved.flags);
  for (const r of saved.roles ?? []) store.roles.set(r.name, r);
  uploads?.restore(saved.uploads ?? []);
  Object.assign(store.app, saved.app);
}

/** Rewrites, in place, every string in `value` that starts with `from` to start with `to` instead. */
function rebase(value: unknown, from: string, to: string): void {
  if (!value || typeof value !== 'object') return;
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [k, v] of entries) {
    if (typeof v === 'string' && v.startsWith(from)) (value as Record<string | number, unknown>)[k] = to + v.slice(from.length);
    else rebase(v, from, to);
  }
}

export interface PersistedStream {
  snapshot: SnapshotFile<StreamSnapshot>;
  /** Call once listening: links to uploads saved under an earlier address now point at `url`, and later saves carry it. */
  listening(url: string): void;
}

/** Loads `file` into `store` (when it exists) and keeps it up to date as the emulator announces changes. */
export function persistStreamStore(store: StreamStore, file: string, uploads?: UploadStore): PersistedStream {
  let url: string | undefined;
  const snapshot = snapshotFile<StreamSnapshot>(file, () => take(store, uploads, url));
  const saved = snapshot.load();
  if (saved) restore(store, uploads, saved);
  // Every change the emulator makes is announced (typing too: saving it costs one write a burst);
  // the few no event announces (custom roles, app settings, uploads) come as `change`.
  store.feed.on('event', () => snapshot.changed());
  store.feed.on('change', () => snapshot.changed());
  return {
    snapshot,
    listening(now) {
      url = now;
      const before = saved?.url;
      if (!before || before === now) return;
      // Uploads are served under /cdn/; message attachments, and images set on users or channels, link there.
      const from = `${before}/cdn/`;
      const to = `${now}/cdn/`;
      for (const m of store.messages.values()) rebase(m, from, to);
      for (const c of store.channels.values()) rebase(c.custom, from, to);
      for (const u of store.users.values()) rebase(u.custom, from, to);
      snapshot.changed();
    },
  };
}
