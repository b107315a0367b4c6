import type { Config } from '../config';
import { LocalStorage } from './local-storage';
import { S3Storage } from './s3-storage';
import type { Storage } from './storage';

export type { Storage } from './storage';

export const createStorage = (config: Config): Storage =>
  config.s3 ? new S3Storage(config.s3) : new LocalStorage(config.dataDir);
