import type { Readable } from 'node:stream';
import { AppError } from '@/lib/errors';

/** What the store knows of an object once it is written. */
export interface StoredObject {
  /** The content address: the SHA-256 of the bytes, lower-case hex. */
  key: string;
  sha256: string;
  size: number;
  blockSize: number;
  /** SHA-256 of each `blockSize` block, concatenated lower-case hex. */
  blockHashes: string;
  /** False when identical bytes were already stored (and so were stored once). */
  created: boolean;
  /** True when an object with this key existed but held other bytes, and these replaced it. */
  replacedDamaged?: boolean;
}

export interface PutOptions {
  /** When given, bytes that hash differently are rejected and nothing is kept. */
  expectedSha256?: string;
  /** Refuse (and keep nothing) once more than this many bytes arrive. */
  maxBytes?: number;
}

/**
 * The DML's byte store. Objects are content-addressed and immutable: callers never name a path,
 * only a key the store computed itself. A local-folder store is the default; an S3-compatible one
 * implements the same interface.
 */
export interface DmlStorage {
  put(source: AsyncIterable<Uint8Array>, options?: PutOptions): Promise<StoredObject>;
  /**
   * Streams bytes `start..end` inclusive (the whole object by default), in chunks of about
   * `chunkBytes` where the store can choose (one chunk per block saves joining and syscalls).
   */
  read(key: string, range?: { start: number; end: number }, options?: { chunkBytes?: number }): Promise<Readable>;
  has(key: string): Promise<boolean>;
  /** Deletes an object (an orphan nothing refers to; the caller makes sure of that). */
  remove(key: string): Promise<void>;
  /**
   * Removes temporary files (and, on S3, unfinished multipart uploads) left by writes that never
   * finished, but only those older than `olderThanMinutes` (default 0): several instances sharing
   * one store must not delete each other's uploads in progress.
   */
  cleanTemporaryFiles(options?: { olderThanMinutes?: number }): Promise<number>;
  /** Every stored object (content key, size, last modification), for scrub and garbage collection. */
  list(): AsyncIterable<ListedObject>;
}

export interface ListedObject {
  key: string;
  size: number;
  modifiedAt: Date;
}

export const STORAGE_UNAVAILABLE_MESSAGE = 'The media library storage cannot be reached right now. Try again in a few minutes.';

/**
 * The store cannot be reached (connection refused, timeout, a 5xx from S3, an I/O error on the
 * disk): temporary and not the client's fault, so 503, never a truncated 200.
 */
export class StorageUnavailableError extends AppError {
  override readonly status = 503;
  constructor(cause?: unknown) {
    super(STORAGE_UNAVAILABLE_MESSAGE);
    this.cause = cause;
  }
}

/**
 * Verification block of new artifacts (each artifact keeps the size it was stored with). Small
 * enough that a short Range request reads and hashes little (a 100-byte Range costs one block),
 * large enough that the per-block hash list stays small (4 KiB of hex per 16 MiB) and the
 * per-block overhead is lost in the hashing itself.
 */
export const BLOCK_SIZE = 256 * 1024;

export class HashMismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`The uploaded bytes have SHA-256 ${actual}, not the expected ${expected}.`);
    this.name = 'HashMismatchError';
  }
}

export class TooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The upload is larger than the limit of ${maxBytes} bytes.`);
    this.name = 'TooLargeError';
  }
}

export const isSha256 = (s: string) => /^[0-9a-f]{64}$/.test(s);

// Checked by name, not instanceof: Next.js may load this module once per server layer
// (instrumentation, routes), and an error made by one copy is not an instance of the other's class.
export const isHashMismatch = (e: unknown): e is HashMismatchError => e instanceof Error && e.name === 'HashMismatchError';
export const isTooLarge = (e: unknown): e is TooLargeError => e instanceof Error && e.name === 'TooLargeError';
export const isStorageUnavailable = (e: unknown): e is StorageUnavailableError =>
  e instanceof Error && e.name === 'StorageUnavailableError';
