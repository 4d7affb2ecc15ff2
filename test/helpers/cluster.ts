/** What every multi-instance (Redis) production test does at its end. */
import type { Redis } from 'ioredis';
import { cleanupConfigs, killAll } from './botyard-process.ts';
import { deleteKeys } from './redis.ts';

/**
 * Every botyard process killed, the platform side (emulator or world) closed, this test's Redis keys
 * (under `prefix`) deleted and its admin connection closed, its config files removed.
 */
export async function tearDownCluster(platform: { close(): Promise<unknown> } | undefined, admin: Redis | undefined, prefix: string): Promise<void> {
  await killAll();
  await platform?.close();
  if (admin) {
    await deleteKeys(admin, `${prefix}:*`);
    await admin.quit();
  }
  cleanupConfigs();
}
