import { dmlStorageDir, env } from '@/lib/env';
import { LocalStorage } from './local-storage';
import { S3Storage } from './s3-storage';
import type { DmlStorage } from './storage';

const holder = globalThis as unknown as { __portalStorage?: DmlStorage };

/** A store as configured: an S3-compatible bucket when DML_S3_BUCKET is set, else a local folder. */
export function createStorage(): DmlStorage {
  if (!env.DML_S3_BUCKET) return new LocalStorage(dmlStorageDir);
  return new S3Storage({
    bucket: env.DML_S3_BUCKET,
    endpoint: env.DML_S3_ENDPOINT,
    region: env.DML_S3_REGION,
    accessKeyId: env.DML_S3_ACCESS_KEY_ID,
    secretAccessKey: env.DML_S3_SECRET_ACCESS_KEY,
    forcePathStyle: env.DML_S3_FORCE_PATH_STYLE === 'true',
    prefix: env.DML_S3_PREFIX,
  });
}

/** The process's DML store (see createStorage). */
export function getStorage(): DmlStorage {
  holder.__portalStorage ??= createStorage();
  return holder.__portalStorage;
}

/** Points the process at another store (tests use a temporary folder or a test S3 server). */
export function setStorage(storage: DmlStorage): void {
  holder.__portalStorage = storage;
}
