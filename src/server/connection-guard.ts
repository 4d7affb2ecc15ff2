/**
 * Keeps idle sockets from starving the server. Node closes a connection that stalls *inside* a
 * request (headersTimeout, requestTimeout) and an idle keep-alive one (keepAliveTimeout), but not one
 * that connects and never sends a byte, and `server.maxConnections` refuses the *new* connection when
 * full, which would be /healthz or a real webhook while a thousand idle sockets sit there. So:
 *   - a socket must start its first request within `firstRequestMs`, or it is closed;
 *   - past `maxConnections`, the longest-idle socket (no request in flight) is closed to make room;
 *     only when every socket is busy is the newcomer refused.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionGuardOptions {
  maxConnections: number;
  /** How long a new socket may wait before sending its first request. */
  firstRequestMs: number;
}

export interface ConnectionGuard {
  /** Open sockets now. */
  readonly open: number;
  /** Sockets closed to make room, since start. */
  readonly evicted: number;
}

export function guardConnections(server: Server, options: ConnectionGuardOptions): ConnectionGuard {
  /** Idle sockets, oldest-idle first (a Map keeps insertion order; re-inserting moves a socket to the end). */
  const idle = new Map<Socket, true>();
  const busy = new Set<Socket>();
  let evicted = 0;

  const makeIdle = (socket: Socket) => {
    busy.delete(socket);
    idle.delete(socket);
    if (!socket.destroyed) idle.set(socket, true);
  };

  server.on('connection', (socket: Socket) => {
    if (idle.size + busy.size >= options.maxConnections) {
      const oldest = idle.keys().next().value as Socket | undefined;
      if (oldest) {
        idle.delete(oldest);
        oldest.destroy();
        evicted++;
      } else {
        socket.destroy();
        return;
      }
    }
    idle.set(socket, true);
    socket.setTimeout(options.firstRequestMs);
    socket.once('close', () => {
      idle.delete(socket);
      busy.delete(socket);
    });
  });

  /** One listener for every response, not a closure per request: the request's socket outlives its answer. */
  function answered(this: ServerResponse) {
    makeIdle(this.req.socket);
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    // In a request: Node's header/request timeouts govern, and long answers (the console's live feed) may idle.
    // Only a socket's first request finds our first-request timer: Node itself clears its keep-alive
    // timeout before every later one, and clearing an unset timer again costs a request ~1 µs.
    if (socket.timeout) socket.setTimeout(0);
    idle.delete(socket);
    busy.add(socket);
    res.on('close', answered);
  });

  return {
    get open() {
      return idle.size + busy.size;
    },
    get evicted() {
      return evicted;
    },
  };
}
