import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { BlockHasher } from './block-hasher';
import {
  type DmlStorage,
  HashMismatchError,
  isSha256,
  type ListedObject,
  type PutOptions,
  StorageUnavailableError,
  type StoredObject,
  TooLargeError,
} from './storage';

export interface S3StorageConfig {
  bucket: string;
  /** For MinIO, Ceph RGW and the like; unset for AWS S3. */
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** bucket in the path (http://host/bucket/key) instead of the host name: MinIO and Ceph want it. */
  forcePathStyle: boolean;
  /** Folder inside the bucket, e.g. "portal/"; empty for the bucket's root. */
  prefix?: string;
  /** Attempts per request (the SDK retries 5xx and network errors with backoff); default 3. */
  maxAttempts?: number;
}

const PART_BYTES = 8 * 1024 * 1024;
/** CopyObject copies at most 5 GiB; larger objects are copied in parts. */
const MAX_SINGLE_COPY = 5 * 1024 ** 3;
const COPY_PART_BYTES = 512 * 1024 * 1024;
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'EPIPE']);

type S3Failure = { name?: string; code?: string; cause?: unknown; $metadata?: { httpStatusCode?: number } };
const statusOf = (e: unknown) => (e as S3Failure)?.$metadata?.httpStatusCode;

/** A network failure or a 5xx: the store is unreachable or failing, not the request wrong. */
export function isUnreachable(e: unknown): boolean {
  for (let cur = e, depth = 0; cur && depth < 4; cur = (cur as S3Failure).cause, depth++) {
    const f = cur as S3Failure;
    if (UNREACHABLE_CODES.has(f.code ?? '') || ['TimeoutError', 'RequestTimeout'].includes(f.name ?? '')) return true;
    if ((statusOf(f) ?? 0) >= 500) return true;
    // Node's happy-eyeballs connect wraps each address's ECONNREFUSED in an AggregateError.
    if (cur instanceof AggregateError && cur.errors.some((x) => isUnreachable(x))) return true;
  }
  return false;
}
const unavailableOr = (e: unknown) => (isUnreachable(e) ? new StorageUnavailableError(e) : e);
const isNotFound = (e: unknown) => statusOf(e) === 404 || ['NoSuchKey', 'NotFound'].includes((e as S3Failure)?.name ?? '');

/**
 * Content-addressed store in an S3-compatible bucket: <prefix>objects/ab/cd/<sha256>. An upload
 * streams (multipart) to <prefix>tmp/<uuid> while it is hashed; only once its SHA-256 is known and
 * accepted is it copied to its content key, so nothing unverified is ever visible there.
 */
export class S3Storage implements DmlStorage {
  readonly client: S3Client;
  readonly bucket: string;
  private readonly prefix: string;

  constructor(config: S3StorageConfig) {
    this.bucket = config.bucket;
    this.prefix = config.prefix ? config.prefix.replace(/^\/+/, '').replace(/\/*$/, '/') : '';
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials:
        config.accessKeyId && config.secretAccessKey
          ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
          : undefined,
      maxAttempts: config.maxAttempts ?? 3,
      // A store that accepts no connection, or goes silent mid-transfer, is an outage (503), not a hang.
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
      // The SDK's default CRC32 trailers (aws-chunked bodies) are not understood by every
      // S3-compatible server; integrity is ours anyway: SHA-256 per object and per block.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  objectKey(key: string): string {
    if (!isSha256(key)) throw new Error(`Not a storage key: ${key.slice(0, 80)}`);
    return `${this.prefix}objects/${key.slice(0, 2)}/${key.slice(2, 4)}/${key}`;
  }

  async put(source: AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<StoredObject> {
    const hasher = new BlockHasher();
    const tmp = `${this.prefix}tmp/${randomUUID()}`;
    let refused: unknown;
    // Hashed as the SDK pulls parts, so memory holds a few parts, never the whole body.
    async function* hashed() {
      try {
        for await (const chunk of source) {
          if (options.maxBytes !== undefined && hasher.size + chunk.length > options.maxBytes) throw new TooLargeError(options.maxBytes);
          await hasher.update(chunk);
          yield chunk;
        }
      } catch (e) {
        refused = e;
        throw e;
      }
    }
    // leavePartsOnError false: a failed or aborted upload aborts its multipart upload.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: tmp, Body: Readable.from(hashed()) },
      partSize: PART_BYTES,
      queueSize: 2,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (e) {
      await this.removeQuietly(tmp);
      // The source's own failure (too large, client gone) is the cause, not the abort it led to.
      throw refused ?? unavailableOr(e);
    }

    try {
      const digest = await hasher.finish();
      if (options.expectedSha256 && options.expectedSha256 !== digest.sha256) {
        throw new HashMismatchError(options.expectedSha256, digest.sha256);
      }
      const stored = { key: digest.sha256, ...digest, blockSize: hasher.blockSize };
      const target = this.objectKey(digest.sha256);
      const existing = await this.sizeOf(target);
      if (existing === null) {
        await this.copy(tmp, target, stored.size);
        return { ...stored, created: true };
      }
      // Dedupe only onto bytes that are what they claim; a damaged object is replaced (S3
      // replaces an object atomically: readers get the old bytes or the new, never a mix).
      if (existing === stored.size && (await this.holdsBlocks(target, stored))) return { ...stored, created: false };
      await this.copy(tmp, target, stored.size);
      return { ...stored, created: true, replacedDamaged: true };
    } catch (e) {
      throw unavailableOr(e);
    } finally {
      await this.removeQuietly(tmp);
    }
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    try {
      const r = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.objectKey(key),
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      return r.Body as Readable;
    } catch (e) {
      // Reported like LocalStorage's open(): the verified stream records ENOENT as 'missing'.
      if (isNotFound(e)) throw Object.assign(new Error(`No stored object ${key}`), { code: 'ENOENT', cause: e });
      // A range starting at or past the end (an empty or truncated object): no bytes, which the
      // verified stream reports as a size mismatch.
      if (statusOf(e) === 416 || (e as S3Failure).name === 'InvalidRange') return Readable.from([]);
      throw unavailableOr(e);
    }
  }

  async has(key: string): Promise<boolean> {
    return (await this.sizeOf(this.objectKey(key))) !== null;
  }

  async remove(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) })).catch((e) => {
      throw unavailableOr(e);
    });
  }

  async cleanTemporaryFiles({ olderThanMinutes = 0 } = {}): Promise<number> {
    const cutoff = Date.now() - olderThanMinutes * 60_000;
    let removed = 0;
    for await (const o of this.listUnder(`${this.prefix}tmp/`)) {
      if (o.modifiedAt.getTime() > cutoff) continue;
      await this.removeQuietly(o.fullKey);
      removed++;
    }
    // Uploads a killed process never completed hold parts (and cost storage) until aborted.
    try {
      let keyMarker: string | undefined;
      let uploadIdMarker: string | undefined;
      do {
        const page = await this.client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.bucket,
            Prefix: `${this.prefix}tmp/`,
            KeyMarker: keyMarker,
            UploadIdMarker: uploadIdMarker,
          }),
        );
        for (const u of page.Uploads ?? []) {
          if (!u.Key || !u.UploadId || (u.Initiated && u.Initiated.getTime() > cutoff)) continue;
          await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key, UploadId: u.UploadId }));
          removed++;
        }
        keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
      } while (keyMarker);
    } catch (e) {
      // Some S3-compatible servers cannot list multipart uploads; a bucket lifecycle rule
      // (AbortIncompleteMultipartUpload) covers them. Anything else is a real failure.
      if ((e as S3Failure).name !== 'NotImplemented') throw unavailableOr(e);
    }
    return removed;
  }

  async *list(): AsyncIterable<ListedObject> {
    for await (const o of this.listUnder(`${this.prefix}objects/`)) {
      const key = o.fullKey.slice(o.fullKey.lastIndexOf('/') + 1);
      if (isSha256(key) && o.fullKey === this.objectKey(key)) yield { key, size: o.size, modifiedAt: o.modifiedAt };
    }
  }

  private async *listUnder(prefix: string): AsyncIterable<{ fullKey: string; size: number; modifiedAt: Date }> {
    let token: string | undefined;
    do {
      const page = await this.client
        .send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }))
        .catch((e) => {
          throw unavailableOr(e);
        });
      for (const o of page.Contents ?? []) {
        if (o.Key) yield { fullKey: o.Key, size: o.Size ?? 0, modifiedAt: o.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** The object's size, or null when there is none. */
  private async sizeOf(fullKey: string): Promise<number | null> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: fullKey }));
      return r.ContentLength ?? 0;
    } catch (e) {
      if (isNotFound(e)) return null;
      throw unavailableOr(e);
    }
  }

  private async removeQuietly(fullKey: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: fullKey })).catch(() => {});
  }

  private async copy(from: string, to: string, size: number): Promise<void> {
    const CopySource = encodeURI(`${this.bucket}/${from}`);
    if (size <= MAX_SINGLE_COPY) {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource }));
      return;
    }
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: to }));
    try {
      const Parts = [];
      for (let start = 0, n = 1; start < size; start += COPY_PART_BYTES, n++) {
        const end = Math.min(size, start + COPY_PART_BYTES) - 1;
        const r = await this.client.send(
          new UploadPartCopyCommand({
            Bucket: this.bucket,
            Key: to,
            UploadId,
            PartNumber: n,
            CopySource,
            CopySourceRange: `bytes=${start}-${end}`,
          }),
        );
        Parts.push({ PartNumber: n, ETag: r.CopyPartResult?.ETag });
      }
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: to, UploadId, MultipartUpload: { Parts } }));
    } catch (e) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: to, UploadId })).catch(() => {});
      throw e;
    }
  }

  /** Whether the stored object holds exactly these bytes: streamed and re-hashed block by block. */
  private async holdsBlocks(fullKey: string, o: { size: number; blockSize: number; blockHashes: string }): Promise<boolean> {
    const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: fullKey }));
    const hasher = new BlockHasher(o.blockSize);
    for await (const chunk of r.Body as Readable) {
      await hasher.update(chunk as Buffer);
      if (hasher.size > o.size) {
        (r.Body as Readable).destroy();
        return false;
      }
    }
    const digest = await hasher.finish();
    return digest.size === o.size && digest.blockHashes === o.blockHashes;
  }
}
