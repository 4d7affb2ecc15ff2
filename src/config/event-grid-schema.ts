/**
 * `acs.eventGrid` in bot.config.ts: how deliveries to POST /webhooks/acs are authenticated.
 * The shared secret itself comes from the environment (ACS_EVENTGRID_SECRET); the Entra settings are
 * not secret and live here. Nothing unauthenticated is parsed: see src/adapters/acs/event-grid-auth.ts.
 */
import { z } from 'zod';

const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** A JWKS must come over https; plain http only on loopback (the emulator's test keys). */
const jwksUrl = z
  .string()
  .url()
  .refine((u) => u.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(u), 'use an https:// URL (http only on 127.0.0.1/localhost)');

export const entraSchema = z
  .object({
    /** Where the signing keys are: `https://login.microsoftonline.com/<tenant id>/discovery/v2.0/keys`. */
    jwksUrl,
    /** The webhook's Entra application: its Application ID URI (`api://…`) or application (client) id. */
    audience: oneOrMany,
    /** Event Grid's tokens are v1: `https://sts.windows.net/<tenant id>/`. */
    issuer: oneOrMany,
    /**
     * The app role Event Grid's service principal holds on your webhook application. Without this check
     * any app in the tenant that may get a token for the audience could post. `null` skips it.
     */
    role: z.string().min(1).nullable().default('AzureEventGridSecureWebhookSubscriber'),
  })
  .strict();

export const eventGridSchema = z
  .object({
    /**
     * Serve Event Grid on POST /webhooks/acs. Default: on when some authentication is configured
     * (ACS_EVENTGRID_SECRET or `entra`); `true` without either is a configuration error, never an open door.
     */
    enabled: z.boolean().optional(),
    /** The query parameter of the subscription URL that carries ACS_EVENTGRID_SECRET. */
    secretParam: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, _, . or -').default('secret'),
    /** Microsoft Entra bearer token on every delivery (the subscription's "Use Microsoft Entra authentication"). */
    entra: entraSchema.optional(),
    /**
     * `sync` answers the validation event with its code (every Event Grid version). `validationUrl`
     * answers 200 without one and GETs the event's validationUrl instead (Event Grid's manual handshake),
     * for fronts that cannot echo a body; the URL must be https on one of `validationHosts`.
     */
    validation: z.enum(['sync', 'validationUrl']).default('sync'),
    /** Hosts (or `.suffix`es) a validationUrl may point at. */
    validationHosts: z.array(z.string().min(1)).default(['.eventgrid.azure.net']),
  })
  .strict()
  .prefault({});

export type EventGridConfig = z.output<typeof eventGridSchema>;
export type EntraConfig = z.output<typeof entraSchema>;
