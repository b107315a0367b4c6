import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat, unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, HeadObjectCommand, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ByteRange, Storage } from './storage';
import { scratchPath } from './local-storage';

export interface S3Settings { bucket: string; endpoint?: string; region: string; accessKeyId?: string; secretAccessKey?: string; forcePathStyle: boolean }

/** An S3-compatible bucket (AWS S3, MinIO, Ceph, R2, …): what several instances share. */
export class S3Storage implements Storage {
  readonly kind = 's3' as const;
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    this.client = new S3Client({
      region: settings.region, endpoint: settings.endpoint, forcePathStyle: settings.forcePathStyle,
      // Checksums only where S3 requires them: the SDK's default streams uploads as aws-chunked
      // with trailing checksums, which many S3-compatible stores do not read (they keep the framing).
      requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
      credentials: settings.accessKeyId && settings.secretAccessKey ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } : undefined,
    });
  }

  async putFile(key: string, localPath: string, contentType?: string) {
    const { size } = await stat(localPath);
    await this.client.send(new PutObjectCommand({
      Bucket: this.settings.bucket, Key: key, Body: createReadStream(localPath), ContentLength: size, ContentType: contentType,
    }));
    await unlink(localPath).catch(() => undefined);
  }

  async localCopy(key: string, scratch: string) {
    await mkdir(scratch, { recursive: true });
    const path = scratchPath(scratch, key);
    await pipeline(await this.read(key), createWriteStream(path));
    return path;
  }

  async size(key: string) {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: key }));
      return head.ContentLength;
    } catch (err) {
      if (err instanceof NotFound || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw err;
    }
  }

  async read(key: string, range?: ByteRange) {
    const object = await this.client.send(new GetObjectCommand({
      Bucket: this.settings.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined,
    }));
    return object.Body as Readable;
  }

  close() {
    this.client.destroy();
  }
}
