import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ByteRange, Storage } from './storage';

/** Files under one directory (DATA_DIR): keys are paths below it. */
export class LocalStorage implements Storage {
  readonly kind = 'local' as const;
  constructor(private readonly root: string) {}

  private path(key: string) {
    const full = resolve(this.root, key);
    if (!full.startsWith(resolve(this.root) + '/')) throw new Error(`storage key outside the store: ${key}`);
    return full;
  }

  async putFile(key: string, localPath: string) {
    const target = this.path(key);
    if (resolve(localPath) === target) return;
    await mkdir(dirname(target), { recursive: true });
    await rename(localPath, target).catch(async () => {
      await copyFile(localPath, target);
      await unlink(localPath).catch(() => undefined);
    });
  }

  async localCopy(key: string) {
    return this.path(key);
  }

  async size(key: string) {
    const s = await stat(this.path(key)).catch(() => undefined);
    return s?.isFile() ? s.size : undefined;
  }

  async read(key: string, range?: ByteRange) {
    return createReadStream(this.path(key), range ? { start: range.start, end: range.end } : {});
  }
}

export const scratchPath = (scratch: string, key: string) => join(scratch, key.replace(/[^\w.-]/g, '_'));
