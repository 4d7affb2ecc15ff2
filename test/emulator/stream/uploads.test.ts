/**
 * Channel uploads through the real stream-chat SDK (`channel.sendFile` / `sendImage` /
 * `deleteFile`), and through a user's own multipart POST as a browser client makes it.
 */
import { Readable } from 'node:stream';
import type { StreamChat } from 'stream-chat';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt, type StreamEmulator } from '../../../src/emulator/stream/index.ts';
import { emulatorWithClient } from './helpers.ts';

// The smallest valid PNG (1×1).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe('Stream emulator: channel uploads', () => {
  let emu: StreamEmulator;
  let client: StreamChat;

  beforeAll(async () => {
    ({ emu, client } = await emulatorWithClient());
    await client.upsertUsers([{ id: 'alice' }, { id: 'mallory' }]);
    await client.channel('messaging', 'files', { created_by_id: 'alice', members: ['alice'] } as never).create();
  });
  afterAll(() => emu.close());

  it('sendFile answers a URL that serves the bytes back, with their type, without credentials', async () => {
    const channel = client.channel('messaging', 'files');
    const out = await channel.sendFile(Buffer.from('hello file'), 'notes.txt', 'text/plain', { id: 'alice' });
    expect(out.file).toMatch(new RegExp(`^${emu.url}/cdn/.+/notes\\.txt$`));
    const res = await fetch(out.file);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello file');
    // A message carries it as Stream clients attach files.
    const sent = await channel.sendMessage({ text: 'see file', user_id: 'alice', attachments: [{ type: 'file', asset_url: out.file, title: 'notes.txt' }] });
    expect(sent.message.attachments?.[0]).toMatchObject({ type: 'file', asset_url: out.file });
  });

  it('sendImage takes images only; deleteImage removes one', async () => {
    const channel = client.channel('messaging', 'files');
    const image = await channel.sendImage(Readable.from([PNG]), 'dot.png', 'image/png', { id: 'alice' } as never);
    const served = await fetch(image.file);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
    await expect(channel.sendImage(Readable.from([Buffer.from('text')]), 'notes.txt', 'text/plain', { id: 'alice' } as never)).rejects.toThrow(/not an image/);
    await channel.deleteImage(image.file);
    expect((await fetch(image.file)).status).toBe(404);
    await expect(channel.deleteImage(image.file)).rejects.toThrow(/no uploaded file/);
  });

  it('a user uploads to a channel they are a member of, and only there', async () => {
    const upload = (userId: string) => {
      const form = new FormData();
      form.append('file', new Blob([PNG], { type: 'image/png' }), 'dot.png');
      return fetch(`${emu.url}/channels/messaging/files/image?api_key=${emu.apiKey}`, {
        method: 'POST',
        headers: { authorization: signJwt({ user_id: userId }, emu.apiSecret), 'stream-auth-type': 'jwt' },
        body: form,
      });
    };
    const ok = await upload('alice');
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as { file: string }).file).toContain('/cdn/');
    const refused = await upload('mallory');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: number }).code).toBe(17);
  });

  it('server-side uploads must name the user; an empty file is refused', async () => {
    const channel = client.channel('messaging', 'files');
    await expect(channel.sendFile(Buffer.from('x'), 'x.txt', 'text/plain')).rejects.toThrow(/user/);
    await expect(channel.sendFile(Buffer.alloc(0), 'x.txt', 'text/plain', { id: 'alice' })).rejects.toThrow(/empty/);
  });
});
