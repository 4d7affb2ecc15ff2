/**
 * A lighter way to send the Redis queue's accept (its events' data, then its script) than ioredis's own: each command is
 * written into one buffer sized up front, and an argument may be made of several pieces (an event's
 * JSON is its normalized fields' JSON, then the webhook's bytes as they came, then '}') that are
 * written one after the other into it, never joined in memory first.
 *
 * Why: ioredis encodes a command with any Buffer argument by measuring every string twice, collecting
 * the pieces and copying them into a fresh buffer; with the event JSON already joined into its own
 * buffer (Buffer.from + Buffer.concat), each event's ~2.3 KB was copied three times and measured
 * twice per accept, which the ingest profile showed beside the script call itself.
 *
 * Everything else stays ioredis's: the command goes through `client.sendCommand`, so it is queued
 * while reconnecting, answered in order and parsed as any other. As ioredis's scripts do, the script is
 * sent whole (EVAL) the first time on each connection and by its SHA after, and sent again whole when
 * Redis answers NOSCRIPT (its script cache was flushed or it restarted).
 */
import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { Command, type Redis } from 'ioredis';

/**
 * The first `bytes` bytes of `text` in UTF-8 (whole characters): how a JSON object's text is written
 * without its closing brace, when more members follow, without slicing (and so copying) the string.
 */
export interface TextPrefix {
  text: string;
  bytes: number;
}

/** One piece of a bulk string written from several. */
export type RespPiece = string | Buffer | TextPrefix;

/** Bytes, text, or one bulk string made of several pieces written back to back. */
export type RespArg = string | number | Buffer | readonly RespPiece[];

/** Byte length of one argument (pieces summed); strings measured as UTF-8. */
function byteLengthOf(arg: RespArg): number {
  if (typeof arg === 'string') return Buffer.byteLength(arg);
  if (typeof arg === 'number') return String(arg).length;
  if (Buffer.isBuffer(arg)) return arg.length;
  let n = 0;
  for (const piece of arg) n += typeof piece === 'string' ? Buffer.byteLength(piece) : Buffer.isBuffer(piece) ? piece.length : piece.bytes;
  return n;
}

function writeArg(out: Buffer, at: number, arg: RespArg): number {
  if (typeof arg === 'string') return at + out.write(arg, at, 'utf8');
  if (typeof arg === 'number') return at + out.write(String(arg), at, 'latin1');
  if (Buffer.isBuffer(arg)) return at + arg.copy(out, at);
  for (const piece of arg) {
    if (typeof piece === 'string') at += out.write(piece, at, 'utf8');
    else if (Buffer.isBuffer(piece)) at += piece.copy(out, at);
    else at += out.write(piece.text, at, piece.bytes, 'utf8');
  }
  return at;
}

/** Writes `n` (a non-negative integer) in decimal at `at`; answers where it stopped. */
function writeDigits(out: Buffer, at: number, n: number): number {
  if (n < 10) {
    out[at] = 48 + n;
    return at + 1;
  }
  const end = at + digitsOf(n);
  for (let i = end - 1; i >= at; i--, n = Math.floor(n / 10)) out[i] = 48 + (n % 10);
  return end;
}

function digitsOf(n: number): number {
  let digits = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  return digits;
}

/**
 * The RESP encoding of `name` followed by `head` then `args`, in one buffer. The framing ($<n>\r\n) is
 * written byte by byte: through Buffer#write each of those tiny strings cost more than its bytes.
 */
export function encodeCommand(name: string, head: readonly RespArg[], args: readonly RespArg[]): Buffer {
  const count = 1 + head.length + args.length;
  const lengths = new Array<number>(count);
  let total = 1 + digitsOf(count) + 2;
  let i = 0;
  const measure = (arg: RespArg) => {
    const n = byteLengthOf(arg);
    lengths[i++] = n;
    // $<n>\r\n<bytes>\r\n
    total += 1 + digitsOf(n) + 2 + n + 2;
  };
  measure(name);
  for (const arg of head) measure(arg);
  for (const arg of args) measure(arg);
  const out = Buffer.allocUnsafe(total);
  out[0] = 42; // '*'
  let at = writeDigits(out, 1, count);
  out[at++] = 13;
  out[at++] = 10;
  i = 0;
  const put = (arg: RespArg) => {
    out[at++] = 36; // '$'
    at = writeDigits(out, at, lengths[i++]!);
    out[at++] = 13;
    out[at++] = 10;
    at = writeArg(out, at, arg);
    out[at++] = 13;
    out[at++] = 10;
  };
  put(name);
  for (const arg of head) put(arg);
  for (const arg of args) put(arg);
  return out;
}

/** A command of this encoder's arguments (name, then `args`), for `RespScript.runAfter`. */
export interface RespCommand {
  name: string;
  args: readonly RespArg[];
}

/** A command written with this encoder, answered as ioredis answers any (strings as UTF-8). */
class EncodedCommand extends Command {
  constructor(private readonly spec: RespCommand) {
    super(spec.name, [], { replyEncoding: 'utf8' });
  }

  override toWritable(): Buffer {
    return encodeCommand(this.spec.name, [], this.spec.args);
  }
}

/** The socket ioredis writes `client`'s commands to, once connected (ioredis does not type it). */
const streamOf = (client: Redis): Writable | undefined => (client as unknown as { stream?: Writable }).stream;

const isNoScript = (err: unknown) => err instanceof Error && err.message.includes('NOSCRIPT');

/** A Lua script (no KEYS: the queue's scripts take everything in ARGV) sent with this encoder. */
export interface RespScript {
  /** Runs the script with `args` as ARGV; answers its reply, strings as UTF-8. */
  run(client: Redis, args: readonly RespArg[]): Promise<unknown>;
  /**
   * Runs `first`, then the script, in one MULTI/EXEC: no other client's command runs between them, and
   * neither runs unless both are sent. Answers the script's reply. For data the script only needs to
   * know exists: Redis's Lua hashes every byte of every string it is given (its ARGV included), so a
   * large value written by `first` costs the script nothing.
   */
  runAfter(client: Redis, first: RespCommand, args: readonly RespArg[]): Promise<unknown>;
}

export function respScript(lua: string): RespScript {
  const sha = createHash('sha1').update(lua).digest('hex');
  // Connections (their sockets) known to have the script: the first call on each sends it whole.
  const loaded = new WeakSet<object>();

  class ScriptCommand extends Command {
    constructor(private readonly argv: readonly RespArg[]) {
      super('evalsha', [], { replyEncoding: 'utf8' });
      const reject = this.reject;
      this.reject = (err: Error) => {
        if (isNoScript(err)) this.forget();
        reject.call(this, err);
      };
    }

    private connection: object | undefined;

    /** Redis does not have the script (restarted, or its cache flushed): the next call sends it whole. */
    forget(): void {
      if (this.connection) loaded.delete(this.connection);
    }

    override toWritable(socket: object): Buffer {
      this.connection = socket;
      const whole = !loaded.has(this.connection);
      if (whole) loaded.add(this.connection);
      this.name = whole ? 'eval' : 'evalsha';
      return encodeCommand(this.name, [whole ? lua : sha, 0], this.argv);
    }
  }

  async function runAfterOnce(client: Redis, first: RespCommand, args: readonly RespArg[]): Promise<{ reply: unknown } | { noScript: true }> {
    const script = new ScriptCommand(args);
    const exec = new Command('exec', [], { replyEncoding: 'utf8' });
    // Four commands written back to back on the one connection (nothing else can be written between
    // them: this runs to the end without yielding), answered in order: MULTI's OK, two QUEUED, then
    // EXEC's answers. ioredis's own multi() gathers them into a Pipeline first, which cost more Node CPU
    // per accept than leaving the data out of the script saved Redis. Corked, they go out in one write:
    // on loopback each write is a syscall that cost more than encoding the whole batch. The first three
    // answer only whether they were queued: a refusal there (OOM, say) aborts the transaction and comes
    // back as EXEC's error, so theirs are caught here rather than left unhandled.
    const queue = (command: Command) => {
      void client.sendCommand(command);
      return command.promise.then(() => undefined, (err: unknown) => err);
    };
    const socket = streamOf(client);
    socket?.cork();
    let scriptQueued: Promise<unknown>;
    try {
      void queue(new Command('multi'));
      void queue(new EncodedCommand(first));
      scriptQueued = queue(script);
      void client.sendCommand(exec);
    } finally {
      socket?.uncork();
    }
    let results: unknown[] | null;
    try {
      results = (await exec.promise) as unknown[] | null;
    } catch (err) {
      // A server that checks the script's SHA as it queues it refuses it there, and EXEC is aborted.
      if (isNoScript(await scriptQueued)) return { noScript: true };
      throw err;
    }
    if (!results) throw new Error(`the transaction of ${first.name} and the queue script was discarded`);
    const [firstAnswer, reply] = results;
    if (isNoScript(reply)) {
      // Redis 7 checks the SHA when EXEC runs the script, after `first` ran: running both again is what
      // callers of runAfter allow for (the script sees what `first` wrote either way).
      script.forget();
      return { noScript: true };
    }
    if (firstAnswer instanceof Error) throw firstAnswer;
    if (reply instanceof Error) throw reply;
    return { reply };
  }

  return {
    run(client, args) {
      const first = new ScriptCommand(args);
      const answer = first.promise.catch((err: Error) => {
        if (!isNoScript(err)) throw err;
        // The socket was forgotten by reject above, so this one goes whole (EVAL).
        const again = new ScriptCommand(args);
        void client.sendCommand(again);
        return again.promise;
      });
      void client.sendCommand(first);
      return answer;
    },
    async runAfter(client, first, args) {
      const once = await runAfterOnce(client, first, args);
      if ('reply' in once) return once.reply;
      const again = await runAfterOnce(client, first, args);
      if ('reply' in again) return again.reply;
      throw new Error('NOSCRIPT twice in a row: Redis lost the queue script again as soon as it was sent');
    },
  };
}
