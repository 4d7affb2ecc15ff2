/**
 * The ACS emulator: Identity (2023-10-01) and Chat (2025-03-15) over https on loopback, so the real
 * `@azure/communication-identity` and `@azure/communication-chat` SDKs can be pointed at it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createAdmin, type AcsAdmin } from './admin.ts';
import { handleAcsAdmin } from './admin-routes.ts';
import { EmulatorCore, type AcsEmulatorSettings } from './core.ts';
import { createEventGrid, type EventGridControl } from './event-grid.ts';
import { createFaults, type FaultControl } from './faults.ts';
import { identityRoutes } from './identity-routes.ts';
import { messageRoutes } from './message-routes.ts';
import { AcsModel, type AcsChange } from './model.ts';
import { participantRoutes } from './participant-routes.ts';
import { acsSnapshotFile, persistAcsModel, type AcsSnapshot } from './persist.ts';
import { createAcsServer } from './server.ts';
import { createStateView, type AcsStateView } from './state-view.ts';
import { threadRoutes } from './thread-routes.ts';
import { makeCertificate } from './tls.ts';

export type { AcsAdmin } from './admin.ts';
export type { AcsEmulatorSettings } from './core.ts';
export type { EventGridControl, EventGridSubscription } from './event-grid.ts';
export type { FaultControl, FaultRule } from './faults.ts';
export type { AcsChange } from './model.ts';
export type { AcsMessageView, AcsParticipantView, AcsStateView, AcsThreadView, AcsUserView } from './state-view.ts';
export { CHAT_API_VERSION, IDENTITY_API_VERSION } from './core.ts';

export interface AcsEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (the certificate covers 127.0.0.1 and localhost). */
  host?: string;
  /** The connection string's access key, base64. Default: random. */
  accessKey?: string;
  /** Where the CA/cert PEM is written. Default: a new temp dir. */
  dataDir?: string;
  log?: Logger;
  /** The emulator's clock (token expiry, x-ms-date skew, timestamps). Default Date.now. */
  now?: () => number;
  /** Initial settings (token lifetime override, HMAC skew). */
  settings?: Partial<AcsEmulatorSettings>;
  /** Deliver Event Grid events to this URL from the start (handshake first). */
  eventGridUrl?: string;
  /** Keep users and threads in this JSON file across restarts (botyard dev); see persist.ts. */
  stateFile?: string;
}

export interface AcsEmulator {
  /** `https://127.0.0.1:PORT/` */
  endpoint: string;
  /** `endpoint=https://127.0.0.1:PORT/;accesskey=…` */
  connectionString: string;
  accessKey: string;
  /** The self-signed certificate (its own CA): trust it with `tlsOptions: { ca: caPem }` or NODE_EXTRA_CA_CERTS=caPath. */
  caPath: string;
  caPem: string;
  /** What a runtime or a test process needs: ACS_CONNECTION_STRING, NODE_EXTRA_CA_CERTS, ACS_CA_PATH. */
  env: Record<string, string>;
  settings: AcsEmulatorSettings;
  faults: FaultControl;
  eventGrid: EventGridControl;
  state: AcsStateView;
  admin: AcsAdmin;
  /** Every mutation, as it happens (for live rendering and for tests that await instead of sleeping). */
  on(event: 'change', listener: (change: AcsChange) => void): () => void;
  /** Writes the state file now (when there is one). */
  saveState(): void;
  /** Requests per operation (`messages.list`, `threads.list`, `identity.issueToken`…) since start or the last reset. */
  counters(): Record<string, number>;
  resetCounters(): void;
  close(): Promise<void>;
}

export async function startAcsEmulator(options: AcsEmulatorOptions = {}): Promise<AcsEmulator> {
  const host = options.host ?? '127.0.0.1';
  let model!: AcsModel;
  let accessKey!: string;
  const snapshot = options.stateFile ? acsSnapshotFile(options.stateFile, () => model, () => accessKey) : undefined;
  const saved: AcsSnapshot | undefined = snapshot?.load();
  accessKey = options.accessKey ?? saved?.accessKey ?? randomBytes(32).toString('base64');
  model = new AcsModel(saved?.resourceId ?? randomUUID(), options.now ?? Date.now);
  if (snapshot) persistAcsModel(model, snapshot, saved);
  model.setMaxListeners(0);
  const settings: AcsEmulatorSettings = { hmacMaxSkewMs: 15 * 60_000, ...options.settings };
  const core = new EmulatorCore(model, Buffer.from(accessKey, 'base64'), randomBytes(32), settings);
  const cert = await makeCertificate(options.dataDir);
  const faults = createFaults();
  const counters = new Map<string, number>();
  const routes = [...identityRoutes(core), ...threadRoutes(core), ...messageRoutes(core), ...participantRoutes(core)];
  const eventGrid = createEventGrid(model, `/subscriptions/emulator/resourceGroups/botyard/providers/Microsoft.Communication/CommunicationServices/${model.resourceId}`, cert, faults.eventGrid);
  const admin = createAdmin(core);
  const adminDeps = { core, faults, eventGrid, admin };
  const server = createAcsServer({ core, routes, faults, counters, log: options.log, cert, admin: (req, url, body) => handleAcsAdmin(req, url, body, adminDeps) });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `https://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  const connectionString = `endpoint=${endpoint};accesskey=${accessKey}`;
  if (options.eventGridUrl) await eventGrid.subscribe(options.eventGridUrl);
  options.log?.info({ endpoint, caPath: cert.caPath }, `ACS emulator on ${endpoint} (CA: ${cert.caPath})`);

  let closed: Promise<void> | undefined;
  return {
    endpoint,
    connectionString,
    accessKey,
    caPath: cert.caPath,
    caPem: cert.certPem,
    env: { ACS_CONNECTION_STRING: connectionString, NODE_EXTRA_CA_CERTS: cert.caPath, ACS_CA_PATH: cert.caPath },
    settings,
    faults,
    eventGrid,
    state: createStateView(model),
    admin,
    on(_event, listener) {
      model.on('change', listener);
      return () => void model.off('change', listener);
    },
    saveState: () => snapshot?.flush(),
    counters: () => Object.fromEntries(counters),
    resetCounters: () => counters.clear(),
    close() {
      closed ??= (async () => {
        await eventGrid.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        snapshot?.close();
      })();
      return closed;
    },
  };
}
