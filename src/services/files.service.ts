import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
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
import type { Storage } from '../storage';
import type { ByteRange } from '../storage/storage';

const uploadKey = (tenantId: string, storedName: string) => `uploads/${tenantId}/${storedName}`;

const SNIFF_BYTES = 4100;

const fileView = (f: CallFile) => ({
  id: f.id, filename: f.filename, contentType: f.contentType, size: Number(f.size), url: `/api/v1/calls/${f.callId}/files/${f.id}`,
});

/**
 * Files shared during a call. Bytes are stored as `uploads/<tenant>/<generated name>` (never a
 * name the client chose) in the storage (DATA_DIR or S3); the type is read from the content; the
 * size limit is enforced while streaming to a scratch file, so an oversized upload is cut off and
 * leaves nothing behind.
 */
export class FilesService {
  constructor(private readonly dataDir: string, private readonly limitBytes: number, private readonly storage: Storage) {}

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
    const dir = join(this.dataDir, 'tmp');
    await mkdir(dir, { recursive: true });
    const storedName = randomUUID();
    const path = join(dir, `upload-${storedName}`);
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
    const contentType = sniffContentType(head, filename);
    await this.storage.putFile(uploadKey(scope.actor.tenantId, storedName), path, contentType).catch(async (error) => {
      await unlink(path).catch(() => undefined);
      throw error;
    });
    const file = scope.em.create(CallFile, {
      tenantId: scope.actor.tenantId, callId: call.id, filename, contentType,
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
    const key = uploadKey(file.tenantId, file.storedName);
    const size = await this.storage.size(key);
    if (size === undefined) throw notFound('File');
    return { key, size, filename: file.filename, contentType: file.contentType, read: (range?: ByteRange) => this.storage.read(key, range) };
  }

  async recording(scope: Scope, callId: string) {
    requireRole(scope.actor, 'attendant');
    const call = await loadVisibleCall(scope, callId);
    if (!call.recordingPath) throw notFound('Recording');
    const key = call.recordingPath;
    const size = await this.storage.size(key);
    if (size === undefined) throw notFound('Recording');
    audit(scope, { action: 'recording.downloaded', targetType: 'call', targetId: call.id });
    await scope.em.flush();
    return { size, filename: `call-${call.id}.webm`, read: (range?: ByteRange) => this.storage.read(key, range) };
  }
}
