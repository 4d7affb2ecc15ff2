/**
 * The one error serializer and message scrubber, on the shapes that leak in practice: ioredis's
 * AUTH command arguments, an HTTP client's request config and headers, URLs with credentials, ACS
 * connection strings, bearer tokens and JWTs, a secret nested in an error's cause.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/runtime/log.ts';
import { registerSecrets, scrubText, serializeError } from '../../src/runtime/log-scrub.ts';

describe('log scrubbing', () => {
  it('drops ioredis command arguments and configs, scrubs messages, stacks and causes', () => {
    registerSecrets(['a-registered-secret-value']);
    const redisError = Object.assign(new Error('WRONGPASS invalid username-password pair'), { command: { name: 'auth', args: ['default', 'p4ssw0rd-redis'] } });
    const httpError = Object.assign(new Error('Request failed with status code 401'), {
      status: 401,
      config: { headers: { Authorization: 'Bearer abc.def.ghi' }, url: 'https://api.example.com/?api_secret=s3cr3t-value' },
      request: { _header: 'authorization: Bearer zzz' },
    });
    const wrapped = new Error('could not reach redis://:p4ssw0rd-redis@10.0.0.1:6379/0 with endpoint=https://x.communication.azure.com/;accesskey=QUJDREVGRw==', {
      cause: new Error('token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJl rejected; a-registered-secret-value seen'),
    });
    const out = JSON.stringify([serializeError(redisError), serializeError(httpError), serializeError(wrapped)]);
    for (const leak of ['p4ssw0rd-redis', 'abc.def.ghi', 's3cr3t-value', 'QUJDREVGRw==', 'eyJhbGciOiJSUzI1NiJ9', 'a-registered-secret-value', 'zzz']) expect(out).not.toContain(leak);
    expect(out).toContain('WRONGPASS invalid username-password pair');
    expect(out).toContain('"status":401');
    expect(out).toContain('redis://:[redacted]@10.0.0.1:6379/0');
  });

  it('every line createLogger writes is scrubbed, fields and messages alike', async () => {
    registerSecrets(['xyz-another-secret-42']);
    const lines: string[] = [];
    const stdoutWrite = process.stdout.write.bind(process.stdout);
    (process.stdout as unknown as { write: (c: string) => boolean }).write = (chunk: string) => (lines.push(String(chunk)), true);
    try {
      const log = createLogger({ level: 'info' });
      log.error({ err: Object.assign(new Error('boom'), { command: { args: ['xyz-another-secret-42'] } }) }, 'redis failed');
      log.warn({ url: 'redis://user:pw-in-url-99@h:1', nested: { header: 'Bearer tok-123456' } }, 'connecting with xyz-another-secret-42');
      log.flush?.();
    } finally {
      process.stdout.write = stdoutWrite;
    }
    const text = lines.join('');
    for (const leak of ['xyz-another-secret-42', 'pw-in-url-99', 'tok-123456']) expect(text).not.toContain(leak);
    expect(text).toContain('redis failed');
    expect(scrubText('https://h/webhooks/acs?secret=abcdef&x=1')).toBe('https://h/webhooks/acs?secret=[redacted]&x=1');
  });
});
