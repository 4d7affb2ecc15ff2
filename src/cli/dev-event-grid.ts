/**
 * `botyard dev` with Event Grid configured and ACS emulated: the emulator delivers to the runtime
 * exactly as Azure would, with the configured secret in the subscription URL and, when Entra is
 * configured, tokens from the emulator's test tenant (its JWKS and issuer replace the real ones for
 * this run only; audience and role stay as configured). Production config, unchanged, works in dev.
 */
import type { BotyardConfig } from '../config/load.ts';
import { eventGridSettings } from '../config/event-grid.ts';
import type { AcsEmulator } from '../emulator/acs/index.ts';

/** Swaps the Entra JWKS and issuer for the emulator tenant's. Returns the config to boot with. */
export async function useEmulatorTenant(config: BotyardConfig, acs: AcsEmulator): Promise<BotyardConfig> {
  const entra = config.acs.eventGrid.entra;
  if (!entra || !eventGridSettings(config, config.env)) return config;
  const tenant = await acs.eventGrid.tenant();
  const eventGrid = { ...config.acs.eventGrid, entra: { ...entra, jwksUrl: tenant.jwksUrl, issuer: tenant.issuer } };
  return { ...config, acs: { ...config.acs, eventGrid } };
}

/** Subscribes the emulator's Event Grid to the runtime (handshake included) when Event Grid is on. */
export async function subscribeEmulator(config: BotyardConfig, acs: AcsEmulator, runtimeUrl: string): Promise<boolean> {
  const settings = eventGridSettings(config, config.env);
  if (!settings) return false;
  const url = new URL('/webhooks/acs', runtimeUrl);
  if (settings.secrets[0]) url.searchParams.set(settings.secretParam, settings.secrets[0]);
  const audience = settings.entra ? ([] as string[]).concat(settings.entra.audience)[0]! : undefined;
  await acs.eventGrid.subscribe(url.toString(), audience ? { entra: { audience } } : {});
  return true;
}
