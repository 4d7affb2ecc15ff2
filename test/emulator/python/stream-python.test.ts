/** The Stream seed calls through stream-chat-python (the official Python SDK) against the emulator. */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStreamEmulator, type StreamEmulator } from '../../../src/emulator/stream/index.ts';
import { describePython, findPython, runPython, STREAM_SDK_DIR, streamSdkPresent } from '../../helpers/python.ts';

const script = fileURLToPath(new URL('./stream_seed.py', import.meta.url));
const python = streamSdkPresent() ? findPython(['requests', 'jwt']) : undefined;
const missing = streamSdkPresent()
  ? { why: 'no Python 3 with requests and PyJWT', fix: 'apt-get install python3-requests python3-jwt (or set BOTYARD_PYTHON).' }
  : { why: `no stream-chat-python at ${STREAM_SDK_DIR}`, fix: 'run .ci/run once (it fills that cache), or set BOTYARD_STREAM_CHAT_PYTHON to a checkout of GetStream/stream-chat-python.' };

describePython('stream-chat-python against the Stream emulator', python, missing, (py) => {
  let emu: StreamEmulator;
  let seen: any;
  beforeAll(async () => {
    emu = await startStreamEmulator();
    const t0 = Date.now();
    seen = await runPython(py, script, [STREAM_SDK_DIR], emu.env);
    console.log(`[python] stream seed calls took ${Date.now() - t0} ms`);
  });
  afterAll(() => emu?.close());

  it('user tokens are accepted as that user; upserted users read back', async () => {
    const res = await fetch(`${emu.url}/app?api_key=${emu.apiKey}`, { headers: { authorization: seen.token, 'stream-auth-type': 'jwt' } });
    expect(res.status).toBe(200);
    expect(seen.users).toEqual(['alice', 'bob', 'carol', 'john']);
    expect(emu.state.user('alice')).toMatchObject({ name: 'Alice', favorite_color: 'green' });
    expect(emu.state.user('john')).toMatchObject({ role: 'admin' });
  });

  it('channel create, update and partial update keep custom fields as the service does', () => {
    expect(seen.channel).toEqual({ cid: 'messaging:kung-fu', name: 'Kung Fu 2', image: null, belt: null, topic: 'forms', color: null });
    expect(seen.texts).toEqual(['renamed', '@alice look at this']);
    expect(emu.state.channel('messaging:kung-fu')!.channel).toMatchObject({ created_by: { id: 'john' } });
  });

  it('members added and removed, moderators added and demoted', () => {
    expect(seen.members).toEqual([['alice', 'channel_member'], ['bob', 'channel_moderator']]);
  });

  it('a message with an attachment, a mention, a custom field, a reply and a partial update', () => {
    expect(seen.message).toEqual({
      user: 'john',
      attachments: [{ type: 'image', image_url: 'https://example.com/a.png', camera: 'leica' }],
      mentioned: ['alice'],
      priority: 'urgent',
      reply_count: 1,
    });
  });

  it('query channels (default sort), search, delete for me, delete user, and a refused user id', () => {
    expect(seen.channels_default_sort).toEqual(['kung-fu', 'dojo']); // last_updated, newest first
    expect(seen.search).toEqual(['@alice look at this']);
    expect(seen.after_delete_for_me).toBe('regular');
    expect(emu.state.messageCount('messaging:kung-fu')).toBe(3);
    expect(seen.deleted_user).toBe(true);
    expect(seen.bad_id).toBe(400);
  });
});
