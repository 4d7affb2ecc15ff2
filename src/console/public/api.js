// The console API (routes.ts) and the live feed (feed.ts), as small promise helpers.

/** Calls the console API; rejects with the server's `{ error }` message. */
export async function api(method, path, body) {
  const res = await fetch(`/console/api${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined;
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.error || `HTTP ${res.status}`);
  return json;
}

export const enc = encodeURIComponent;

/** Sends a file's bytes to the console, which uploads it to the platform as `params.as` and posts it. */
export async function uploadFile(key, file, params) {
  const query = new URLSearchParams({ ...params, name: file.name });
  const res = await fetch(`/console/api/conversations/${enc(key)}/uploads?${query}`, {
    method: 'POST',
    headers: { 'content-type': file.type || 'application/octet-stream' },
    body: file,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.error || `HTTP ${res.status}`);
  return json;
}

/**
 * Opens the live feed. `handlers` maps feed event names (changed, conversations, users, inspector,
 * inspector-cleared, schedules…) to functions of the parsed data; `onState(online)` hears connects and drops.
 */
export function openFeed(handlers, onState) {
  const source = new EventSource('/console/api/feed');
  source.onopen = () => onState(true);
  source.onerror = () => onState(false);
  for (const [name, fn] of Object.entries(handlers)) {
    source.addEventListener(name, (e) => fn(JSON.parse(e.data)));
  }
  return source;
}

/** Runs `fn` at most once at a time; calls made meanwhile fold into one rerun. */
export function serial(fn) {
  let running = null;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await fn();
      } while (again);
    })().finally(() => (running = null));
    return running;
  };
  return run;
}
