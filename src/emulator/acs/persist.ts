/**
 * The ACS emulator's state on disk for `botyard dev` (`stateFile`): the resource id and access key
 * (so user ids and the connection string stay the same), users, and threads with participants,
 * messages and read receipts survive a restart. A restarted dev's bot identity still exists, and its
 * threads still have it as a member. Not kept: typing (ephemeral), tokens (re-issued), Event Grid
 * subscriptions.
 */
import { snapshotFile, type SnapshotFile } from '../snapshot-file.ts';
import type { AcsModel, ParticipantRecord, ThreadRecord, UserRecord } from './model.ts';

type SavedThread = Omit<ThreadRecord, 'participants' | 'readReceipts' | 'typing'> & {
  participants: ParticipantRecord[];
  readReceipts: Array<[string, { chatMessageId: string; readOn: number }]>;
};

export interface AcsSnapshot {
  version: 1;
  resourceId: string;
  accessKey: string;
  users: UserRecord[];
  threads: SavedThread[];
}

/** Reads the saved state, if any: the emulator builds its model with the saved resource id and key. */
export function acsSnapshotFile(file: string, model: () => AcsModel, accessKey: () => string): SnapshotFile<AcsSnapshot> {
  return snapshotFile<AcsSnapshot>(file, () => {
    const m = model();
    return {
      version: 1,
      resourceId: m.resourceId,
      accessKey: accessKey(),
      users: [...m.users.values()],
      threads: [...m.threads.values()].map(({ typing: _typing, ...t }) => ({ ...t, participants: [...t.participants.values()], readReceipts: [...t.readReceipts.entries()] })),
    };
  });
}

/** Puts saved users and threads into a fresh model, and saves it again on every change. */
export function persistAcsModel(model: AcsModel, snapshot: SnapshotFile<AcsSnapshot>, saved: AcsSnapshot | undefined): void {
  for (const u of saved?.users ?? []) model.users.set(u.id, u);
  for (const t of saved?.threads ?? []) {
    model.threads.set(t.id, { ...t, participants: new Map(t.participants.map((p) => [p.id, p])), readReceipts: new Map(t.readReceipts), typing: new Map() });
  }
  model.on('change', () => snapshot.changed());
}
