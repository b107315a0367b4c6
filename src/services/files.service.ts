import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { CallFile } from '../entities';
import { AppError, notFound } from '../errors';
import { requireRole } from '../auth/roles';
import type { Scope } from '../auth/actor';
import { isUuid } from './guards';
import { loadVisibleCall } from './call-access';
import { cleanFilename, sniffContentType } from './sniff';
import { audit } from './audit';

const SNIFF_BYTES = 4100;

const fileView = (f: CallFile) => ({
  id: f.id, filename: f.filename, contentType: f.contentType, size: Number(f.size), url: `/api/v1/calls/${f.callId}/files/${f.id}`,
});

/**
 * Files shared during a call. Bytes go to DATA_DIR/uploads/<tenant>/<generated name>, never to
 * a path the client chose; the type is read from the content; the size limit is enforced while
 * streaming, so an oversized upload is cut off and leaves nothing behind.
 */
export class FilesService {
  constructor(private readonly dataDir: string, private readonly limitBytes: number) {}

  get uploadLimitBytes() {
    return this.limitBytes;
  }

  async list(scope: Scope, callId: string) {
    requireRole(scope.actor, 'attendant');
    const call = await loadVisibleCall(scope, callId);
    const files = await scope.em.find(CallFile, { callId: call.id }, { orderBy: { insertedAt: 'asc', id: 'asc' } });
    return files.map(fileView);
  }

  /** Checks access before reading a byte of the upload. */
  async authorizeUpload(scope: Scope, callId: string) {
    requireRole(scope.actor, 'attendant');
    return loadVisibleCall(scope, callId);
  }

  async store(scope: Scope, callId: string, upload: { stream: Readable; filename?: string }) {
    const call = await this.authorizeUpload(scope, callId);
    const dir = join(this.dataDir, 'uploads', scope.actor.tenantId);
    await mkdir(dir, { recursive: true });
    const storedName = randomUUID();
    const path = join(dir, storedName);
    let size = 0;
    let head = Buffer.alloc(0);
    const limit = this.limitBytes;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > limit) return done(new AppError('PAYLOAD_TOO_LARGE', `File is larger than ${limit} bytes`));
        if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
        done(null, chunk);
      },
    });
    try {
      await pipeline(upload.stream, meter, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
      if ((upload.stream as Readable & { truncated?: boolean }).truncated) throw new AppError('PAYLOAD_TOO_LARGE', `File is larger than ${limit} bytes`);
    } catch (error) {
      await unlink(path).catch(() => undefined);
      throw error;
    }
    const filename = cleanFilename(upload.filename);
    const file = scope.em.create(CallFile, {
      tenantId: scope.actor.tenantId, callId: call.id, filename, contentType: sniffContentType(head, filename),
      size, storedName, uploadedBy: scope.actor.userId,
    });
    await scope.em.flush();
    return fileView(file);
  }

  async open(scope: Scope, callId: string, fileId: string) {
    requireRole(scope.actor, 'attendant');
    const call = await loadVisibleCall(scope, callId);
    const file = isUuid(fileId) ? await scope.em.findOne(CallFile, { id: fileId.toLowerCase(), callId: call.id }) : null;
    if (!file) throw notFound('File');
    return { path: join(this.dataDir, 'uploads', file.tenantId, file.storedName), filename: file.filename, contentType: file.contentType };
  }

  async recording(scope: Scope, callId: string) {
    requireRole(scope.actor, 'attendant');
    const call = await loadVisibleCall(scope, callId);
    if (!call.recordingPath) throw notFound('Recording');
    const path = join(this.dataDir, call.recordingPath);
    if (!(await stat(path).catch(() => null))) throw notFound('Recording');
    audit(scope, { action: 'recording.downloaded', targetType: 'call', targetId: call.id });
    await scope.em.flush();
    return { path, filename: `call-${call.id}.webm` };
  }
}
