import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase, type SqliteDatabase } from '../../src/state/sqlite-db.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'botyard-sqlite-db-'));
const opened: SqliteDatabase[] = [];
const open = async (file: string, extra: { lock?: boolean; mustExist?: boolean } = {}) => {
  const db = await openSqliteDatabase({ path: file, ...extra });
  opened.push(db);
  return db;
};
afterAll(() => {
  for (const db of opened) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sqlite database', () => {
  it('creates its folder, runs in WAL mode with synchronous NORMAL by default', async () => {
    const db = await open(path.join(dir, 'nested', 'deeper', 'a.db'));
    expect(db.handle.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.handle.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    const full = await openSqliteDatabase({ path: path.join(dir, 'full.db'), synchronous: 'full' });
    expect(full.handle.pragma('synchronous', { simple: true })).toBe(2); // FULL
    full.close();
  });

  it('refuses a second opener of the same file, naming the holder and Redis; frees it on close', async () => {
    const file = path.join(dir, 'locked.db');
    const first = await openSqliteDatabase({ path: file });
    const refusal = await openSqliteDatabase({ path: file }).then(() => undefined, (err: unknown) => err);
    expect(refusal).toMatchObject({ code: 'STORE_LOCKED' });
    const message = (refusal as Error).message;
    expect(message).toContain(file);
    expect(message).toContain(`botyard process ${process.pid}`);
    expect(message).toContain('REDIS_URL');
    // A tool reading the store (dead letters) may open it beside the owner.
    const reader = await open(file, { lock: false, mustExist: true });
    expect(reader.handle.open).toBe(true);
    first.close();
    const again = await open(file);
    expect(again.handle.open).toBe(true);
  });

  it('a corrupt file is a STORE_CORRUPT error naming the path and the fix', async () => {
    const file = path.join(dir, 'corrupt.db');
    writeFileSync(file, Buffer.alloc(8192, 'this is not sqlite '));
    const err = await openSqliteDatabase({ path: file }).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORE_CORRUPT' });
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain(`mv ${file} ${file}.broken`);
    // The failed open released the lock: a repaired file opens.
    rmSync(file);
    expect((await open(file)).handle.open).toBe(true);
  });

  it('an unwritable place is a STORE_UNWRITABLE error naming the path and the fix', async () => {
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const underFile = path.join(blocker, 'botyard.db');
    const err = await openSqliteDatabase({ path: underFile }).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORE_UNWRITABLE' });
    expect((err as Error).message).toContain(underFile);
    expect((err as Error).message).toContain('writable');

    const isDir = path.join(dir, 'is-a-dir.db');
    mkdirSync(isDir);
    const err2 = await openSqliteDatabase({ path: isDir }).then(() => undefined, (e: unknown) => e);
    expect(err2).toMatchObject({ code: 'STORE_UNWRITABLE' });
    expect((err2 as Error).message).toContain(isDir);
  });

  it('mustExist refuses to create a store', async () => {
    const err = await openSqliteDatabase({ path: path.join(dir, 'missing.db'), lock: false, mustExist: true }).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORE_MISSING' });
  });

  it('migrate runs each statement once per file, in order, and refuses a schema from a newer version', async () => {
    const file = path.join(dir, 'migrate.db');
    const a = await openSqliteDatabase({ path: file });
    a.migrate('things', ['CREATE TABLE things (id INTEGER PRIMARY KEY)']);
    a.migrate('things', ['CREATE TABLE things (id INTEGER PRIMARY KEY)']); // again: no "table exists"
    a.handle.prepare('INSERT INTO things (id) VALUES (1)').run();
    a.close();
    const b = await open(file);
    b.migrate('things', ['CREATE TABLE things (id INTEGER PRIMARY KEY)', 'ALTER TABLE things ADD COLUMN name TEXT']);
    expect(b.handle.prepare('SELECT id, name FROM things').all()).toEqual([{ id: 1, name: null }]);
    expect(() => b.migrate('things', ['CREATE TABLE things (id INTEGER PRIMARY KEY)'])).toThrow(/newer botyard/);
  });

  it('group commit: writes of one turn share a transaction; one failing write rejects only itself', async () => {
    const db = await open(path.join(dir, 'batch.db'));
    db.migrate('t', ['CREATE TABLE t (id INTEGER PRIMARY KEY)']);
    const insert = db.handle.prepare('INSERT INTO t (id) VALUES (?)');
    const results = await Promise.allSettled([1, 2, 2, 3].map((id) => db.batch(() => insert.run(id).changes)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(db.handle.prepare('SELECT id FROM t ORDER BY id').pluck().all()).toEqual([1, 2, 3]);
  });
});
