// The page's state, shared by the panels, and a tiny event bus so panels can ask each other to redraw.

export const state = {
  platforms: [], // [{ name, bot, abilities }] from /state
  features: {}, // { faults } from /state: what the emulators offer
  conversations: [],
  active: null, // conversation key
  snapshot: null,
  users: {}, // platform → ConsoleUser[]
  as: {}, // platform → the user id the page posts as
  replyTo: null, // the message a reply goes under
  editing: null, // { id, text }: the message being edited, and the draft
  picking: null, // id of the message whose reaction picker is open
};

/** `stream:messaging:general` → `stream`. */
export const platformOf = (key) => (key ? key.slice(0, key.indexOf(':')) : undefined);
export const activePlatform = () => platformOf(state.active);
/** Who the page acts as in the open conversation. */
export const currentAs = () => state.as[activePlatform()];

/** true when `platform` can do `verb`, else the reason it cannot (a sentence). */
export function ability(platform, verb) {
  const p = state.platforms.find((x) => x.name === platform);
  if (!p) return `${platform ?? 'this platform'} is not running`;
  return p.abilities?.[verb] ?? true;
}

const listeners = new Map();
/** Subscribes to a page event (`chat`, `users`, `list`…). */
export function on(name, fn) {
  listeners.set(name, [...(listeners.get(name) ?? []), fn]);
}
export function emit(name, data) {
  for (const fn of listeners.get(name) ?? []) fn(data);
}
