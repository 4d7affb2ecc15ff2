/** Wire-level helpers shared by the emulator's routes: identifiers, dates and the error body. */

/** A CommunicationIdentifierModel as the real service returns it: no `kind`, rawId + communicationUser. */
export function identifierModel(id: string): { rawId: string; communicationUser: { id: string } } {
  return { rawId: id, communicationUser: { id } };
}

/** The raw id out of an identifier model the SDK sent (`{rawId, communicationUser:{id}}`). */
export function identifierId(model: unknown): string | undefined {
  if (!model || typeof model !== 'object') return undefined;
  const m = model as { rawId?: unknown; communicationUser?: { id?: unknown } };
  if (typeof m.communicationUser?.id === 'string') return m.communicationUser.id;
  return typeof m.rawId === 'string' ? m.rawId : undefined;
}

/** Second precision with `Z`, as the recorded real responses show (`2024-06-06T00:03:29Z`). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Identity's `expiresOn`: 7 fractional digits and `+00:00`, as recorded. */
export function isoIdentity(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000+00:00');
}

/** An error answered as `{ error: { code, message, target?, details? } }` (Common CommunicationErrorResponse). */
export class AcsHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { target?: string; details?: unknown[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }
  body(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.extra.target !== undefined) error.target = this.extra.target;
    if (this.extra.details !== undefined) error.details = this.extra.details;
    return { error };
  }
}

export const unauthorized = (why?: string) => new AcsHttpError(401, 'Unauthorized', why ? `Request is not authorized. ${why}` : 'Request is not authorized.');
export const forbidden = () => new AcsHttpError(403, 'Forbidden', 'User is not allowed to perform specified action.');
export const notFound = (what: string, target?: string) => new AcsHttpError(404, 'NotFound', `${what} not found.`, { target });
export const badRequest = (message: string, target?: string) => new AcsHttpError(400, 'BadRequest', message, { target });

/** Parses a page size query value; the service caps listMessages at 200. */
export function pageSize(value: string | null, fallback = 100, max = 200): number {
  if (value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw badRequest(`maxPageSize must be an integer between 1 and ${max}.`, 'maxPageSize');
  return n;
}

/** Parses a startTime query value (RFC 3339). */
export function startTime(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw badRequest('startTime must be an RFC 3339 date-time.', 'startTime');
  return t;
}
