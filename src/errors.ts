/**
 * botyard's error hierarchy: one base class with a stable `code`, a handful of subclasses.
 * Messages say what went wrong *and* what to do about it; `code` is what programs branch on.
 */

/** Every error botyard throws on purpose. `code` is stable across releases. */
export class BotyardError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad configuration: names the key and the fix. */
export class ConfigError extends BotyardError {
  /** Each problem as `key: what is wrong and how to fix it`. */
  readonly issues: string[];
  constructor(issues: string[], options?: { cause?: unknown }) {
    super('CONFIG_INVALID', `Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`, options);
    this.issues = issues;
  }
}

/** A bot file that cannot be loaded or set up; the runtime reports it and skips the bot. */
export class BotLoadError extends BotyardError {
  readonly file: string;
  constructor(file: string, reason: string, fix: string, options?: { cause?: unknown }) {
    super('BOT_LOAD_FAILED', `${file}: ${reason}. Fix: ${fix}`, options);
    this.file = file;
  }
}

/** A Context verb the platform cannot carry out. Never a silent no-op. */
export class NotSupportedError extends BotyardError {
  readonly platform: string;
  readonly capability: string;
  constructor(platform: string, capability: string, hint?: string) {
    super(
      'NOT_SUPPORTED',
      `${platform} does not support '${capability}'.${hint ? ` ${hint}` : ''} Check ctx.can('${capability}') first.`,
    );
    this.platform = platform;
    this.capability = capability;
  }
}

/**
 * A platform call failed. `status` is the HTTP status when there was one; `retryAfterMs` is set when
 * the platform said how long to wait (Retry-After, X-RateLimit-Reset). `retryable` tells the outbound
 * layer whether trying again can help.
 */
export class PlatformError extends BotyardError {
  readonly platform: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly retryable: boolean;
  /** The platform's own error code (Stream's numeric code, ACS's string code), when known. */
  readonly platformCode: string | number | undefined;
  constructor(
    platform: string,
    message: string,
    opts: { status?: number; retryAfterMs?: number; retryable?: boolean; platformCode?: string | number; cause?: unknown } = {},
  ) {
    super('PLATFORM_ERROR', `${platform}: ${message}`, { cause: opts.cause });
    this.platform = platform;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
    this.platformCode = opts.platformCode;
    this.retryable = opts.retryable ?? isRetryableStatus(opts.status);
  }
}

/** A handler ran longer than its timeout. */
export class HandlerTimeoutError extends BotyardError {
  constructor(bot: string, handler: string, timeoutMs: number) {
    super('HANDLER_TIMEOUT', `${bot}/${handler} did not finish within ${timeoutMs} ms. Raise handlerTimeoutMs in bot.config.ts or make the handler faster.`);
  }
}

/** 408, 429 and 5xx (except 501 and 505), or no status at all (a network error), are worth retrying. */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return true;
  if (status === 408 || status === 429) return true;
  return status >= 500 && status !== 501 && status !== 505;
}

/** A bot's key-value state is over its cap in the memory store (containment.memoryStoreMaxKeysPerBot / …BytesPerBot). */
export class StoreLimitError extends BotyardError {
  constructor(readonly bot: string, what: string, fix: string) {
    super('STORE_LIMIT', `bot '${bot}': ${what}. Fix: ${fix}`);
  }
}
