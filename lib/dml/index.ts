import { dmlStorageDir } from '@/lib/env';
import { LocalStorage } from './local-storage';
import type { DmlStorage } from './storage';

const holder = globalThis as unknown as { __portalStorage?: DmlStorage };

/** The process's DML store (a local folder; set DML_STORAGE_DIR to move it). */
export function getStorage(): DmlStorage {
  holder.__portalStorage ??= new LocalStorage(dmlStorageDir);
  return holder.__portalStorage;
}

/** Points the process at another store (tests use a temporary folder). */
export function setStorage(storage: DmlStorage): void {
  holder.__portalStorage = storage;
}
