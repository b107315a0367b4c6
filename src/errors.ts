/**
 * The one error family. Services throw these; each door maps `code` through ERROR_TABLE and
 * nothing else, so REST, GraphQL and the sockets always agree on what went wrong.
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'BAD_USER_INPUT'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

export const ERROR_TABLE: Record<ErrorCode, { status: number; graphql: string; detail: string }> = {
  BAD_REQUEST: { status: 400, graphql: 'BAD_REQUEST', detail: 'Bad request' },
  UNAUTHENTICATED: { status: 401, graphql: 'UNAUTHENTICATED', detail: 'Unauthorized' },
  FORBIDDEN: { status: 403, graphql: 'FORBIDDEN', detail: 'Forbidden' },
  NOT_FOUND: { status: 404, graphql: 'NOT_FOUND', detail: 'Not found' },
  CONFLICT: { status: 409, graphql: 'CONFLICT', detail: 'Conflict' },
  PAYLOAD_TOO_LARGE: { status: 413, graphql: 'PAYLOAD_TOO_LARGE', detail: 'Payload too large' },
  BAD_USER_INPUT: { status: 422, graphql: 'BAD_USER_INPUT', detail: 'Validation failed' },
  RATE_LIMITED: { status: 429, graphql: 'RATE_LIMITED', detail: 'Too many requests' },
  SERVICE_UNAVAILABLE: { status: 503, graphql: 'SERVICE_UNAVAILABLE', detail: 'Service unavailable' },
  INTERNAL_SERVER_ERROR: { status: 500, graphql: 'INTERNAL_SERVER_ERROR', detail: 'Internal server error' },
};

/** Field name → messages; keys are camelCase here and converted by the REST door. */
export type FieldErrors = Record<string, string[]>;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_TABLE[code].detail,
    readonly fields?: FieldErrors,
    readonly retryAfterSeconds?: number,
    /** Facts beside the message (camelCase), e.g. when a closed department opens again. */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
  get status(): number {
    return ERROR_TABLE[this.code].status;
  }
}

export const unauthenticated = () => new AppError('UNAUTHENTICATED');
export const forbidden = (message = 'Forbidden') => new AppError('FORBIDDEN', message);
export const notFound = (what = 'Resource') => new AppError('NOT_FOUND', `${what} not found`);
export const conflict = (message: string) => new AppError('CONFLICT', message);
export const invalid = (fields: FieldErrors) => new AppError('BAD_USER_INPUT', 'Validation failed', fields);
export const badRequest = (message: string) => new AppError('BAD_REQUEST', message);

/** 5xx answers are ours to fix: log them with the original error, which the client never sees. */
export function logServerError(log: { error: (obj: object, msg: string) => void }, error: AppError, original: unknown, where: string) {
  if (error.status >= 500) log.error({ err: original, code: error.code }, `server error in ${where}`);
}

/**
 * Errors meaning "the database is not there right now", as opposed to a bug or bad input:
 * socket errors, and SQLSTATE classes 08 (connection; but not 08P01, a protocol violation that
 * a malformed value provokes), 57P (shutdown), 53300 (too many connections), 3D000 (database
 * missing) and 28 (credentials refused).
 */
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);
const UNAVAILABLE_SQLSTATE = /^(08(?!P01)...|57P0\d|53300|3D000|28...)$/;
const UNAVAILABLE_MESSAGE = /Connection terminated|Connection ended unexpectedly|connect ECONNREFUSED|Timeout acquiring a connection/;

function isDatabaseUnavailable(err: { code?: unknown; message?: unknown }): boolean {
  const code = typeof err.code === 'string' ? err.code : '';
  return UNAVAILABLE_ERRNOS.has(code) || UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_MESSAGE.test(String(err.message ?? ''));
}

/**
 * What the database refused because of the values it was sent: data exceptions (class 22),
 * integrity violations (23), limits such as an index row too large (54) and a protocol
 * violation from a malformed value (08P01). These are the client's to fix, never a 5xx.
 */
function fromRejectedValue(code: string): AppError | undefined {
  if (code === '23505' || code === '23P01') return conflict('Conflicts with an existing record');
  if (code === '23503') return new AppError('BAD_USER_INPUT', 'Refers to something that does not exist');
  if (code.startsWith('22') || code.startsWith('23') || code === '08P01') return new AppError('BAD_USER_INPUT', 'A value is not acceptable');
  if (code.startsWith('54')) return new AppError('PAYLOAD_TOO_LARGE', 'A value is too large');
  return undefined;
}

/** Whatever was thrown, as an AppError; unknown errors become a bare 500 with no detail leaked. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const err = error as { code?: unknown; message?: unknown } | undefined;
  if (!err || typeof err !== 'object') return new AppError('INTERNAL_SERVER_ERROR');
  if (isDatabaseUnavailable(err)) return new AppError('SERVICE_UNAVAILABLE', undefined, undefined, 5);
  return (typeof err.code === 'string' && fromRejectedValue(err.code)) || new AppError('INTERNAL_SERVER_ERROR');
}
