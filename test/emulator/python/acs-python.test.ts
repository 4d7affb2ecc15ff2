/** The ACS chat quickstart through azure-communication-identity and -chat for Python against the emulator. */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../../src/emulator/acs/index.ts';
import { describePython, findPython, runPython } from '../../helpers/python.ts';

const script = fileURLToPath(new URL('./acs_quickstart.py', import.meta.url));
const python = findPython(['azure.communication.chat', 'azure.communication.identity']);
const missing = {
  why: 'no Python 3 with azure-communication-chat and -identity',
  fix: "apt-get install python3-azure (Debian's Python is /usr/bin/python3; or set BOTYARD_PYTHON).",
};

describePython('azure-communication-chat for Python against the ACS emulator', python, missing, (py) => {
  let emulator: AcsEmulator;
  let seen: any;
  beforeAll(async () => {
    emulator = await startAcsEmulator();
    const t0 = Date.now();
    seen = await runPython(py, script, [], emulator.env);
    console.log(`[python] ACS quickstart took ${Date.now() - t0} ms`);
  });
  afterAll(() => emulator?.close());

  it('creates users and tokens (no expiry given) and a thread', () => {
    expect(seen.users).toHaveLength(2);
    expect(emulator.state.users().filter((u) => seen.users.includes(u.id)).map((u) => u.tokensIssued)).toEqual([1, 1]);
    expect(seen.topic).toBe('Quickstart');
    expect(seen.threads).toEqual([seen.thread_id]);
  });

  it('sends and lists messages; a participant added with share_history_time=now sees only what follows', () => {
    expect(seen.messages).toEqual(['Hello, world!', '<b>bold</b>', 'after Bob joined']);
    expect(seen.bob_sees).toEqual(['after Bob joined']);
  });

  it('participants, read receipts, typing and topic changes reach the emulator', () => {
    expect(seen.participants).toEqual(['Alice', 'Bob']);
    expect(seen.after_remove).toEqual(['Alice']);
    const messages = emulator.state.messages(seen.thread_id);
    expect(seen.read_receipts).toEqual([messages.find((m) => m.content === 'Hello, world!')!.id]);
    expect(emulator.state.typing(seen.thread_id, 60_000).map((t) => t.displayName)).toEqual(['Alice']);
    expect(emulator.state.thread(seen.thread_id)!.topic).toBe('Quickstart, renamed');
    expect(messages.map((m) => m.type)).toContain('participantRemoved');
  });
});
