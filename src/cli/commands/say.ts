import type { CliCommand, CliIo } from '../command.ts';
import { readAcsCa, withEmulatorEnv } from '../emulator-env.ts';

const HELP = `Usage: botyard say --as <user> --in <conversation> "<text>"

Posts a message as a user, so a bot can be driven from a shell or a script.
  --in stream:<type>:<id>   a Stream channel (it must exist: \`botyard channel create\`), e.g. stream:messaging:general
  --in acs:<threadId>       an ACS thread, e.g. acs:19:abc…@thread.v2
  --as <user>               Stream: the user id (created when the app does not know it).
                            ACS: a user id (8:acs:…) on any resource; on the emulator also a name, which
                            becomes a user added to the thread when it is not one yet.
Reads STREAM_API_KEY / STREAM_API_SECRET / STREAM_BASE_URL and ACS_CONNECTION_STRING / ACS_CA_PATH, or
finds the emulators a running \`botyard dev\` or \`botyard emulator\` in this folder started.
Prints the new message's id.

Examples:
  botyard say --as alice --in stream:messaging:general "hello @helper"
  botyard say --as Alice --in acs:19:abc@thread.v2 "hi"`;

function fail(io: CliIo, message: string, code = 1): number {
  io.err(`botyard say: ${message}`);
  return code;
}

async function sayOnStream(io: CliIo, env: NodeJS.ProcessEnv, cid: string, as: string, text: string): Promise<number> {
  const { streamOpsFromEnv } = await import('../../adapters/stream/index.ts');
  const found = streamOpsFromEnv(env);
  if ('error' in found) return fail(io, found.error);
  try {
    await found.ops.ensureUser(as);
    io.out(await found.ops.sendMessage(cid, { userId: as, text }));
    return 0;
  } catch (err) {
    const e = err as { status?: number; message: string };
    return fail(io, e.status === 404 ? `${cid} does not exist. Fix: botyard channel create ${cid} --created-by ${as}` : e.message);
  }
}

async function sayOnAcs(io: CliIo, env: NodeJS.ProcessEnv, threadId: string, as: string, text: string): Promise<number> {
  const connectionString = env.ACS_CONNECTION_STRING;
  if (!connectionString) return fail(io, 'ACS_CONNECTION_STRING is not set: run `botyard emulator` (or `botyard dev`) here, or export the connection string of your resource.');
  const ca = readAcsCa(env);
  if ('error' in ca) return fail(io, ca.error);
  try {
    if (as.startsWith('8:')) {
      const { sendAsUser } = await import('../../adapters/acs/act-as.ts');
      io.out(await sendAsUser(connectionString, ca.ca, { userId: as, threadId, text }));
    } else {
      const { acsAdminClient } = await import('../../emulator/acs/admin-client.ts');
      io.out((await acsAdminClient({ connectionString, caPem: ca.ca }).say(threadId, as, text)).id);
    }
    return 0;
  } catch (err) {
    const message = (err as Error).message;
    return fail(io, /admin route/.test(message) ? `${message}. On a real ACS resource, give --as a user id (8:acs:…).` : message);
  }
}

export const sayCommand: CliCommand = {
  name: 'say',
  help: HELP,
  async run(args, flags, io) {
    const as = flags.as;
    const where = flags.in;
    const text = args.join(' ');
    if (typeof as !== 'string' || !as) return fail(io, 'name the sender with --as <user>, e.g. --as alice.', 2);
    if (typeof where !== 'string') return fail(io, 'name the conversation with --in stream:<type>:<id> or --in acs:<threadId>.', 2);
    if (!text) return fail(io, 'give the text to post, e.g. botyard say --as alice --in stream:messaging:general "hello".', 2);
    const env = withEmulatorEnv(io.cwd, io.env);
    const stream = /^stream:([\w-]+:[\w!-]+)$/.exec(where);
    if (stream) return sayOnStream(io, env, stream[1]!, as, text);
    const acs = /^acs:(.+)$/.exec(where);
    if (acs) return sayOnAcs(io, env, acs[1]!, as, text);
    return fail(io, `--in '${where}' is neither stream:<type>:<id> (e.g. stream:messaging:general) nor acs:<threadId>.`, 2);
  },
};
