/**
 * What Stream refuses that a permissive emulator would let through: user ids outside its alphabet and
 * roles that do not exist. Built-in roles come from Stream's permission docs; custom ones are made with
 * `POST /roles` and live in the store.
 */
import { inputError } from './errors.ts';
import type { StreamStore } from './store.ts';

/** User-level built-in roles. */
export const USER_ROLES = ['user', 'admin', 'moderator', 'guest', 'anonymous'] as const;
/** Channel-level built-in roles; user-level and channel-level built-ins are not interchangeable. */
export const CHANNEL_ROLES = ['channel_member', 'channel_moderator'] as const;

/** "User ids can only contain characters a-z, 0-9, and special characters @ _ and -" (Stream docs; letters of either case). */
const USER_ID = /^[\w@-]+$/;

export function checkUserId(id: string, field: string): void {
  if (!USER_ID.test(id)) {
    throw inputError(`${field} "${id}" is not a valid user id: only letters, digits and the characters @ _ - are allowed (no spaces, no '!')`);
  }
}

function known(store: StreamStore, role: string, builtIn: readonly string[]): boolean {
  return builtIn.includes(role) || store.roles.has(role);
}

export function checkUserRole(store: StreamStore, role: unknown, field: string): string {
  if (typeof role !== 'string' || !known(store, role, USER_ROLES)) {
    throw inputError(`${field} "${String(role)}" is not a role of this app: use one of ${USER_ROLES.join(', ')}, or create it first (POST /roles)`);
  }
  return role;
}

export function checkChannelRole(store: StreamStore, role: unknown, field: string): string {
  if (typeof role !== 'string' || !known(store, role, CHANNEL_ROLES)) {
    throw inputError(`${field} "${String(role)}" is not a channel role: use ${CHANNEL_ROLES.join(' or ')}, or a custom role created first (POST /roles)`);
  }
  return role;
}
