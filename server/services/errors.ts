/** An id that does not exist (or that row-level security hides): always a 404. */
export class NotFoundError extends Error {
  constructor(what: string) { super(`${what} not found`); this.name = 'NotFoundError'; }
}

/** A business rule refused valid input; `field` says where to show the message (an i18n key). */
export class InputError extends Error {
  readonly status: number = 400;
  constructor(readonly field: string, readonly messageKey: string) { super(messageKey); this.name = 'InputError'; }
}

/** The user did this too often (server/rate-limits.ts): a 429 with a message on the form, nothing done. */
export class RateLimitedError extends InputError {
  override readonly status = 429;
  constructor(field = '_form') { super(field, 'error.rateLimited'); this.name = 'RateLimitedError'; }
}
