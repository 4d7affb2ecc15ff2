import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface EmulatorCertificate {
  /** PEM of the self-signed certificate; it is its own CA, so trusting it means trusting this PEM. */
  certPem: string;
  keyPem: string;
  /** Where the PEM was written (for NODE_EXTRA_CA_CERTS / ACS_CA_PATH). */
  caPath: string;
}

/**
 * One key pair per process: a 2048-bit RSA key costs ~0.2 s of CPU, and a process that starts many
 * emulators (a test suite) would pay it each time. Every emulator is on loopback and trusts only itself.
 */
let generated: Promise<{ cert: string; private: string }> | undefined;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, written to `dataDir` (a new temp dir by
 * default). The chat SDK refuses bearer tokens over plain http, so the emulator must speak TLS, and
 * clients trust this one certificate (`tlsOptions.ca` or NODE_EXTRA_CA_CERTS).
 */
export async function makeCertificate(dataDir?: string): Promise<EmulatorCertificate> {
  generated ??= generateCertificate().catch((err: unknown) => {
    generated = undefined;
    throw err;
  });
  const pems = await generated;
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'botyard-acs-')));
  const caPath = join(dir, 'acs-emulator-ca.pem');
  await writeFile(caPath, pems.cert);
  return { certPem: pems.cert, keyPem: pems.private, caPath };
}

async function generateCertificate(): Promise<{ cert: string; private: string }> {
  const now = new Date();
  return generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 365 * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
}
