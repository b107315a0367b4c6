import type { Readable } from 'node:stream';

export interface ByteRange { start: number; end: number }

/**
 * Where files live: uploads, raw captures and recordings. Local disk under DATA_DIR by default;
 * an S3-compatible store (S3_BUCKET) lets every instance serve what any instance stored.
 * Keys are relative paths (`uploads/<tenant>/<id>`, `recordings/<tenant>/<call>/…`).
 */
export interface Storage {
  readonly kind: 'local' | 's3';
  /** Stores the file at `localPath` under `key`; the local file may be moved. */
  putFile(key: string, localPath: string, contentType?: string): Promise<void>;
  /** A local path holding the object, for tools that read files (ffmpeg); under `scratch` when it had to be fetched. */
  localCopy(key: string, scratch: string): Promise<string>;
  /** The object's size in bytes, or undefined when there is none. */
  size(key: string): Promise<number | undefined>;
  /** The object's bytes, all or `range` (inclusive). */
  read(key: string, range?: ByteRange): Promise<Readable>;
}

/** A single `bytes=a-b` / `bytes=a-` / `bytes=-n` range over `size` bytes; undefined without one, 'invalid' when unsatisfiable. */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined | 'invalid' {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (!m[1] && !m[2])) return 'invalid';
  let start: number;
  let end: number;
  if (!m[1]) {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
  }
  return start > end || start >= size ? 'invalid' : { start, end };
}
