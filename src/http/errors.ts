import type { NextFunction, Request, Response } from 'express';
import { AppError, logServerError, toAppError } from '../errors';
import { sendError } from '../rest-compat/respond';
import type { Logger } from '../logger';

/** body-parser and friends mark their errors with `type`; these are the client's fault. */
function fromHttpError(error: { type?: string; status?: number }): AppError | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return new AppError('BAD_REQUEST', 'Malformed JSON in request body');
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', 'Request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('BAD_REQUEST', 'Unsupported request body encoding');
    case 'request.aborted':
      return new AppError('BAD_REQUEST', 'Request aborted');
  }
  if (error.status && error.status >= 400 && error.status < 500) return new AppError('BAD_REQUEST', 'Bad request');
  return undefined;
}

/** The last middleware: every error leaves as the documented JSON, never as a stack trace. */
export function errorHandler(log: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const appError = fromHttpError(error as never) ?? toAppError(error);
    logServerError(log.child({ requestId: req.id }), appError, error, 'HTTP handler');
    if (res.headersSent) return res.end();
    sendError(res, appError);
  };
}

export function notFoundHandler(_req: Request, res: Response) {
  sendError(res, new AppError('NOT_FOUND', 'Not found'));
}
