/**
 * The live feed: server-sent events to every open console page.
 *
 * Messages (`event:` name, JSON `data:`):
 * - `changed`       `{ keys: ConversationKey[] }`: something in these conversations changed (messages,
 *                   members, read state, typing); the page refetches the one it shows.
 * - `conversations` `{}`: the list changed (created, renamed, new activity).
 * - `users`         `{ platform }`: a platform's users changed.
 * - `inspector`     `InspectorEntry`: an event was ingested or dispatched (upsert by `id`).
 * - `schedules`     `{}`: schedules changed or ran.
 * - `timers`        `{}`: a one-off timer was scheduled, cancelled, fired or failed.
 * - `inspector-cleared` `{}`: someone cleared the inspector.
 * Changes are coalesced per tick, so a burst of emulator events costs the page one refetch.
 * A `: ping` comment every 15 s keeps proxies from closing the stream.
 */
import type { Request, Response } from 'express';

export interface Feed {
  attach(req: Request, res: Response): void;
  changed(key: string): void;
  conversations(): void;
  users(platform: string): void;
  send(event: string, data: unknown): void;
  /** Ends every open stream (stop the server without waiting on them). */
  close(): void;
}

export function createFeed(heartbeatMs = 15_000): Feed {
  const clients = new Set<Response>();
  let pending: { keys: Set<string>; list: boolean; users: Set<string> } | undefined;

  const send = (event: string, data: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of clients) res.write(frame);
  };
  const queue = () => {
    if (pending) return pending;
    pending = { keys: new Set(), list: false, users: new Set() };
    setImmediate(() => {
      const p = pending!;
      pending = undefined;
      if (p.keys.size) send('changed', { keys: [...p.keys] });
      if (p.list) send('conversations', {});
      for (const platform of p.users) send('users', { platform });
    });
    return pending;
  };
  const heartbeat = setInterval(() => {
    for (const res of clients) {
      // The http server is closing: end the stream so close() does not wait on an open page.
      const server = (res.socket as { server?: { listening?: boolean } } | null)?.server;
      if (server && server.listening === false) res.end();
      else res.write(': ping\n\n');
    }
  }, heartbeatMs);
  heartbeat.unref();

  return {
    attach(req, res) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write(': botyard console feed\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
    },
    changed: (key) => void queue().keys.add(key),
    conversations: () => void (queue().list = true),
    users: (platform) => void queue().users.add(platform),
    send,
    close() {
      clearInterval(heartbeat);
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}
