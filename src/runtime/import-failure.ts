/**
 * Turns an error met while importing or setting up a user's file (a bot or bot.config.ts) into a
 * problem that says where: `bots/x.ts:3:14`, what esbuild or the code said, and the offending line.
 */
import { codeFrame, errorSummary, formatLocation, locateError, type ErrorLocation } from './error-location.ts';

export interface ImportFailure {
  /** `Expected ")" but found end of file at bots/x.ts:5:1`. */
  reason: string;
  /** `correct the syntax at bots/x.ts:5:1` or `fix the error thrown at …`. */
  fix: string;
  location?: ErrorLocation;
  frame?: string;
}

/** True for esbuild's BuildFailure (a syntax or resolution error found before any code ran). */
function isBuildFailure(err: unknown): boolean {
  return Array.isArray((err as { errors?: unknown })?.errors);
}

export function describeFailure(err: unknown, fallbackFix: string): ImportFailure {
  const location = locateError(err);
  const summary = errorSummary(err);
  if (!location) return { reason: summary, fix: fallbackFix };
  const where = formatLocation(location);
  const frame = codeFrame(location);
  return {
    reason: `${summary} at ${where}`,
    fix: isBuildFailure(err) ? `correct the code at ${where}` : `fix the error thrown at ${where}`,
    location,
    ...(frame ? { frame } : {}),
  };
}
