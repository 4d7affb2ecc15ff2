/**
 * A Stream emulator and a runtime serving HTTP in front of it, with the given bots: webhooks and the
 * before-send hook point at the runtime, as `botyard dev` sets them. Users act through the real SDK.
 */
import { StreamChat } from 'stream-chat';
import { createStreamAdapter } from '../../src/adapters/stream/index.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { FileConfigInput } from '../../src/config/schema.ts';
import { startStreamEmulator, type StreamEmulator, type StreamEmulatorOptions } from '../../src/emulator/stream/index.ts';
import type { BotDefinition } from '../../src/runtime/bot.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { createRuntime, type Runtime } from '../../src/runtime/runtime.ts';
import { createApp } from '../../src/server/app.ts';
import { startHttpServer, type HttpServer } from '../../src/server/http-server.ts';
import { createMetrics, type Metrics } from '../../src/server/metrics.ts';

export interface StreamStack {
  emu: StreamEmulator;
  runtime: Runtime;
  server: HttpServer;
  metrics: Metrics;
  /** A server-side SDK client. */
  client: StreamChat;
  /** An SDK client acting as one user (user token, no websocket), for reads "as another member". */
  userClient(id: string): Promise<StreamChat>;
  /** Waits until no webhook is in flight and every accepted event was handled. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStreamStack(options: { bots: BotDefinition[]; config?: FileConfigInput; emulator?: StreamEmulatorOptions }): Promise<StreamStack> {
  const emu = await startStreamEmulator({ webhook: { retryDelaysMs: [5], attemptTimeoutMs: 5000 }, ...options.emulator });
  const config = await loadConfig({ env: emu.env, config: options.config ?? {} });
  const adapter = createStreamAdapter({ apiKey: emu.apiKey, apiSecret: emu.apiSecret, baseUrl: emu.url, bot: config.bot, timeoutMs: 10_000 });
  const runtime = await createRuntime({ config, adapters: [adapter], bots: options.bots, log: silentLogger, startSchedules: false });
  await runtime.start();
  const metrics = createMetrics({ defaultMetrics: false });
  metrics.attach(runtime);
  const server = await startHttpServer(runtime, createApp(runtime, metrics), { port: 0, host: '127.0.0.1' });
  emu.setWebhookUrl(`${server.url}/webhooks/stream`);
  emu.setBeforeSendHookUrl(`${server.url}/webhooks/stream/before-send`);
  const client = new StreamChat(emu.apiKey, emu.apiSecret, { baseURL: emu.url, disableCache: true });
  return {
    emu,
    runtime,
    server,
    metrics,
    client,
    async userClient(id) {
      const user = new StreamChat(emu.apiKey, { baseURL: emu.url });
      // A user token on the client without connectUser: REST calls as that user, no websocket.
      await user._setToken({ id } as never, client.createToken(id));
      user.userID = id;
      return user;
    },
    async settled() {
      await emu.webhooksIdle();
      await runtime.idle();
      await emu.webhooksIdle();
      await runtime.idle();
    },
    async stop() {
      await server.close();
      await runtime.stop();
      await emu.close();
    },
  };
}
