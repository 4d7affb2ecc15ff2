import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeStreamAuthFailure, streamOpsFromEnv, USERS_PER_CALL, type StreamUserInput } from '../../adapters/stream/index.ts';
import type { CliCommand } from '../command.ts';
import { withEmulatorEnv } from '../emulator-env.ts';

export const usersSyncCommand: CliCommand = {
  name: 'users sync',
  help: `Usage: botyard users sync <file.json>

Upserts every user in <file.json> into Stream, ${USERS_PER_CALL} per call. The file holds a JSON array of
users (or { "users": [...] }); each needs an "id" and may carry name, role, image and any custom
field. Progress goes to stderr, a summary to stdout. Exits 1 and lists the ids that failed when any did.
Reads STREAM_API_KEY, STREAM_API_SECRET and STREAM_BASE_URL from the environment.

Example:
  echo '[{"id":"john","name":"John","role":"admin","team":"red"},{"id":"alice"}]' > users.json
  botyard users sync users.json`,
  async run(args, _flags, io) {
    const file = args[0];
    if (!file) {
      io.err('botyard users sync: give the JSON file, e.g. `botyard users sync users.json`.');
      return 2;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path.resolve(io.cwd, file), 'utf8'));
    } catch (err) {
      io.err(`botyard users sync: cannot read ${file} as JSON: ${(err as Error).message}`);
      return 1;
    }
    const list = Array.isArray(parsed) ? parsed : (parsed as { users?: unknown })?.users;
    if (!Array.isArray(list)) {
      io.err(`botyard users sync: ${file} must hold a JSON array of users or { "users": [...] }.`);
      return 1;
    }
    const invalid = list.map((u, i) => [u, i] as const).filter(([u]) => !u || typeof (u as { id?: unknown }).id !== 'string' || !(u as { id: string }).id);
    if (invalid.length) {
      io.err(`botyard users sync: entries without a string "id" at index ${invalid.map(([, i]) => i).join(', ')}; fix the file and run again.`);
      return 1;
    }
    const found = streamOpsFromEnv(withEmulatorEnv(io.cwd, io.env));
    if ('error' in found) {
      io.err(`botyard users sync: ${found.error}`);
      return 1;
    }
    const users = list as StreamUserInput[];
    const result = await found.ops.upsertUsers(users, (p) => {
      const width = 20;
      const filled = Math.round((p.done / Math.max(1, p.total)) * width);
      io.err(`[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} users${p.failed ? `, ${p.failed} failed` : ''}`);
    });
    if (result.stopped) {
      io.err(`botyard users sync: ${describeStreamAuthFailure(result.stopped.error, io.env.STREAM_BASE_URL || undefined)}`);
      io.out(`Stopped after ${result.upserted.length} of ${users.length} users: ${result.stopped.notTried} not tried; run again once fixed (upserting is idempotent).`);
      return 1;
    }
    const batches = Math.ceil(users.length / USERS_PER_CALL);
    io.out(`Synced ${result.upserted.length} of ${users.length} users in ${batches} call${batches === 1 ? '' : 's'}; ${result.failed.length} failed.`);
    if (result.failed.length) {
      const byError = new Map<string, string[]>();
      for (const f of result.failed) byError.set(f.error, [...(byError.get(f.error) ?? []), f.id]);
      for (const [error, ids] of byError) io.err(`Failed ids: ${ids.join(', ')}\n  because ${error}`);
      return 1;
    }
    return 0;
  },
};
