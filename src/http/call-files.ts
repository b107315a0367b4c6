import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { AppError, toAppError } from '../errors';
import { sendError } from '../rest-compat/respond';
import { createContext, type ContextDeps } from '../context';
import type { Services } from '../services';
import { callerOf } from './caller';
import { pipeline } from 'node:stream/promises';
import { callsCsv, readCallFilters } from './calls-export';
import { parseRange, type ByteRange } from '../storage/storage';

/**
 * The REST routes sofa cannot express: multipart upload, file and recording downloads, and the
 * CSV export. Each is a thin door onto the same services and access checks as everything else.
 */
export function callFileRoutes(deps: ContextDeps, services: Services) {
  const router = Router();
  const scopeOf = (req: Request) => createContext(deps, callerOf(req), req.id).scope();
  const fail = (res: Response, error: unknown) => sendError(res, toAppError(error));

  router.post('/api/v1/calls/:call_id/upload', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const scope = await scopeOf(req);
      // Access first: nothing of the body is read for a caller who may not upload here.
      await services.files.authorizeUpload(scope, String(req.params.call_id));
      const limit = services.files.uploadLimitBytes;
      if (Number(req.get('content-length') ?? 0) > limit + 64 * 1024) throw new AppError('PAYLOAD_TOO_LARGE', `File is larger than ${limit} bytes`);
      if (!req.is('multipart/form-data')) throw new AppError('BAD_USER_INPUT', 'Validation failed', { file: ['must be sent as multipart/form-data'] });
      const stored = await receiveFile(req, limit, (stream, filename) =>
        services.files.store(scope, String(req.params.call_id), { stream, filename }));
      res.status(201).json({ data: { id: stored.id, filename: stored.filename, content_type: stored.contentType, size: stored.size, url: stored.url } });
    } catch (error) {
      req.unpipe();
      req.resume();
      res.set('Connection', 'close');
      if (res.headersSent) return next(error);
      fail(res, error);
    }
  });

  router.get('/api/v1/calls/:call_id/files/:file_id', async (req: Request, res: Response) => {
    try {
      const file = await services.files.open(await scopeOf(req), String(req.params.call_id), String(req.params.file_id));
      res.attachment(file.filename);
      res.type(file.contentType);
      await sendStored(req, res, file);
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      fail(res, error);
    }
  });

  router.get('/api/v1/calls/:id/recording', async (req: Request, res: Response) => {
    try {
      const recording = await services.files.recording(await scopeOf(req), String(req.params.id));
      res.type('video/webm');
      res.set('Content-Disposition', `inline; filename="${recording.filename}"`);
      await sendStored(req, res, recording);
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      fail(res, error);
    }
  });

  router.get('/api/v1/calls/export', async (req: Request, res: Response) => {
    try {
      const rows = await services.calls.exportRows(await scopeOf(req), readCallFilters(req.query as Record<string, unknown>));
      res.attachment('calls.csv');
      res.type('text/csv; charset=utf-8');
      // Headers are out by now: a failure mid-stream can only cut the body short.
      pipeline(callsCsv(rows), res).catch(() => res.destroy());
    } catch (error) {
      fail(res, error);
    }
  });

  return router;
}

/**
 * A stored object as the answer, from whichever storage holds it: whole (200) or one byte range
 * (206 with Content-Range; 416 when the range cannot be satisfied), with Accept-Ranges either way.
 */
async function sendStored(req: Request, res: Response, object: { size: number; read(range?: ByteRange): Promise<Readable> }) {
  res.set('Accept-Ranges', 'bytes');
  const range = parseRange(req.get('range'), object.size);
  if (range === 'invalid') {
    res.status(416).set('Content-Range', `bytes */${object.size}`);
    return void res.json({ errors: { detail: 'Range not satisfiable' } });
  }
  if (range) res.status(206).set('Content-Range', `bytes ${range.start}-${range.end}/${object.size}`);
  res.set('Content-Length', String(range ? range.end - range.start + 1 : object.size));
  await pipeline(await object.read(range), res);
}

/** Reads exactly one part named `file`; anything else is a 422 naming the field. */
function receiveFile<T>(req: Request, limit: number, store: (stream: Readable, filename?: string) => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // One byte of slack: the service's meter enforces the exact limit and reports it as 413.
      parser = busboy({ headers: req.headers, limits: { fileSize: limit + 1, files: 1, fields: 20, parts: 25 } });
    } catch {
      return reject(new AppError('BAD_REQUEST', 'Malformed multipart body'));
    }
    let pending: Promise<T> | undefined;
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || pending) {
        stream.resume();
        return;
      }
      pending = store(stream, info.filename);
      // A failed store (over the limit, say) answers at once; busboy may never reach 'close'.
      pending.catch((error) => {
        stream.resume();
        reject(error);
      });
    });
    parser.on('error', () => reject(new AppError('BAD_REQUEST', 'Malformed multipart body')));
    parser.on('close', () => {
      if (!pending) return reject(new AppError('BAD_USER_INPUT', 'Validation failed', { file: ["can't be blank"] }));
      pending.then(resolve, reject);
    });
    req.pipe(parser);
  });
}
