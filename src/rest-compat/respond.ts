import type { ServerResponse } from 'node:http';
import { AppError, ERROR_TABLE, type FieldErrors } from '../errors';
import { snakePath, toSnake } from './case';

/** The documented error bodies: `{errors: {detail}}`, or field messages for 422. */
export function errorBody(error: AppError): { status: number; body: unknown; headers: Record<string, string> } {
  const { status } = ERROR_TABLE[error.code];
  const headers: Record<string, string> = {};
  if (error.retryAfterSeconds !== undefined) headers['Retry-After'] = String(error.retryAfterSeconds);
  if (error.code === 'BAD_USER_INPUT' && error.fields) {
    const fields: FieldErrors = {};
    for (const [field, messages] of Object.entries(error.fields)) fields[snakePath(field)] = messages;
    return { status, body: { errors: fields }, headers };
  }
  const detail = error.code === 'INTERNAL_SERVER_ERROR' ? ERROR_TABLE.INTERNAL_SERVER_ERROR.detail : error.message;
  const extra = Object.fromEntries(Object.entries(error.extra ?? {}).map(([k, v]) => [toSnake(k), v]));
  return { status, body: { errors: { detail, ...extra } }, headers };
}

/** Merges several errors into one answer: field errors combine, otherwise the first decides. */
export function mergeErrors(errors: AppError[]): AppError {
  const inputs = errors.filter((e) => e.code === 'BAD_USER_INPUT');
  if (inputs.length === errors.length && inputs.length > 1) {
    const fields: FieldErrors = {};
    for (const e of inputs) for (const [k, v] of Object.entries(e.fields ?? {})) fields[k] = [...(fields[k] ?? []), ...v];
    return new AppError('BAD_USER_INPUT', 'Validation failed', fields);
  }
  return errors.find((e) => e.code !== 'BAD_USER_INPUT') ?? errors[0];
}

/** A JSON answer written directly on the node response (Express's or a plain one). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** The documented error answer, on every HTTP path. */
export function sendError(res: ServerResponse, error: AppError) {
  const { status, body, headers } = errorBody(error);
  sendJson(res, status, body, headers);
}
