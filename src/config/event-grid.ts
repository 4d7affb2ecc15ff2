/**
 * Event Grid settings resolved from bot.config.ts (`acs.eventGrid`) and the environment
 * (ACS_EVENTGRID_SECRET, ACS_EVENTGRID_SECRET_PREVIOUS): whether /webhooks/acs accepts deliveries at
 * all, and with which authentication. One place, so `check`, `start`, `dev` and the adapter agree.
 */
import type { EntraConfig, EventGridConfig } from './event-grid-schema.ts';
import type { EnvConfig, FileConfig } from './schema.ts';

export interface EventGridSettings {
  /** Accepted secrets, current first (the previous one only during a rotation). Empty: no secret check. */
  secrets: string[];
  secretParam: string;
  entra?: EntraConfig;
  validation: EventGridConfig['validation'];
  validationHosts: string[];
}

/** The settings when Event Grid is on, else undefined. Assumes `eventGridProblems` found nothing. */
export function eventGridSettings(file: Pick<FileConfig, 'acs'>, env: EnvConfig): EventGridSettings | undefined {
  const grid = file.acs.eventGrid;
  const secrets = [env.ACS_EVENTGRID_SECRET, env.ACS_EVENTGRID_SECRET_PREVIOUS].filter((s): s is string => Boolean(s));
  const authenticated = secrets.length > 0 || grid.entra !== undefined;
  if (grid.enabled === false || !authenticated) return undefined;
  return {
    secrets,
    secretParam: grid.secretParam,
    ...(grid.entra ? { entra: grid.entra } : {}),
    validation: grid.validation,
    validationHosts: grid.validationHosts,
  };
}

/** Configuration mistakes, each naming the key and the fix. */
export function eventGridProblems(file: Pick<FileConfig, 'acs'>, env: EnvConfig): string[] {
  const grid = file.acs.eventGrid;
  const problems: string[] = [];
  if (grid.enabled === true && !env.ACS_EVENTGRID_SECRET && !grid.entra) {
    problems.push(
      'acs.eventGrid.enabled: true, but no authentication is configured, so anyone could post events. Fix: set ACS_EVENTGRID_SECRET ' +
        '(and end the subscription URL with ?' + `${grid.secretParam}=<it>), or configure acs.eventGrid.entra { jwksUrl, audience, issuer }, or remove enabled`,
    );
  }
  if (env.ACS_EVENTGRID_SECRET_PREVIOUS && !env.ACS_EVENTGRID_SECRET) {
    problems.push('environment variable ACS_EVENTGRID_SECRET_PREVIOUS: set without ACS_EVENTGRID_SECRET. Fix: set the new secret in ACS_EVENTGRID_SECRET; keep the old one here only while you rotate');
  }
  return problems;
}

/** One line for `botyard check` and the start banner. */
export function describeEventGridAuth(file: Pick<FileConfig, 'acs'>, env: EnvConfig): string {
  const settings = eventGridSettings(file, env);
  if (!settings) return 'ACS Event Grid: off (POST /webhooks/acs answers 401; set ACS_EVENTGRID_SECRET or acs.eventGrid.entra to receive pushes)';
  const parts: string[] = [];
  if (settings.secrets.length) {
    parts.push(`secret in the subscription URL (?${settings.secretParam}=…${settings.secrets.length > 1 ? ', previous secret still accepted' : ''})`);
  }
  if (settings.entra) {
    const aud = ([] as string[]).concat(settings.entra.audience).join(', ');
    parts.push(`Microsoft Entra token (audience ${aud}${settings.entra.role ? `, role ${settings.entra.role}` : ''})`);
  }
  return `ACS Event Grid: on, authenticated by ${parts.join(' and ')}; handshake ${settings.validation}`;
}
