import { webcrypto } from 'node:crypto';
import type { Readable } from 'node:stream';
import { AppError } from '@/lib/errors';
import type { ByteRange } from './http-range';
import type { DmlStorage } from './storage';

export const INTEGRITY_MESSAGE = 'This file failed its integrity check and will not be served.';

/**
 * The stored bytes no longer match their recorded hashes. 500, not 503: it is the server's fault,
 * not the client's (so no 4xx), and it is not temporary (503 invites automatic retries, but the
 * artifact stays 'corrupt' until a librarian replaces the release).
 */
export class IntegrityError extends AppError {
  override readonly status = 500;
  constructor() {
    super(INTEGRITY_MESSAGE);
  }
}

/** What verification needs to know of an artifact (its database row satisfies this). */
export interface VerifiableObject {
  storageKey: string;
  sizeBytes: number;
  blockSize: number;
  /** Concatenated lower-case hex SHA-256 of each block. */
  blockHashes: string;
}

export interface IntegrityFailure {
  reason: 'block_hash_mismatch' | 'missing' | 'size_mismatch';
  blockIndex: number;
  expectedBlockHash: string;
  /** Hash of what was read (for a short block: of the bytes that were there), null if nothing could be read. */
  actualBlockHash: string | null;
}

export interface VerifiedStreamOptions {
  storage: Pick<DmlStorage, 'read'>;
  object: VerifiableObject;
  /** Inclusive range to send; null for the whole object (also for an empty one). */
  range: ByteRange | null;
  /** Called once per failed stream, before the stream errors (mark the artifact corrupt, audit). */
  onFailure: (failure: IntegrityFailure) => Promise<void>;
}

/**
 * Opens a stream of the requested bytes in which every byte has been verified before it is
 * emitted: the whole blocks covering the range are read, one at a time, hashed and compared with
 * the recorded block hash; only then are the bytes of that block inside the range enqueued.
 *
 * The first block is read and verified before this returns, so a caller can still answer a
 * corrupt first block with a clean error instead of headers followed by an aborted body. Later
 * failures error the stream (the client sees a short, aborted transfer, never a wrong byte).
 *
 * Memory stays flat: the stream is pull-based (a block is read only when the consumer has taken
 * enough of the previous one), so a slow client holds the reader back instead of filling memory.
 */
export async function openVerifiedStream({
  storage,
  object,
  range,
  onFailure,
}: VerifiedStreamOptions): Promise<ReadableStream<Uint8Array>> {
  const { sizeBytes: size, blockSize: bs } = object;
  const want = range ?? { start: 0, end: size - 1 };
  const lastOfObject = Math.max(0, Math.ceil(size / bs) - 1);
  const first = Math.floor(want.start / bs);
  const last = size === 0 ? 0 : Math.floor(want.end / bs);
  const expected = (i: number) => object.blockHashes.slice(i * 64, i * 64 + 64);
  const lengthOf = (i: number) => Math.min(bs, size - i * bs);
  const fail = (reason: IntegrityFailure['reason'], i: number, actual: string | null): IntegrityFailure => ({
    reason,
    blockIndex: i,
    expectedBlockHash: expected(i),
    actualBlockHash: actual,
  });

  // Recording is best effort: whatever happens to it, the bytes are still refused.
  const report = (f: IntegrityFailure) => onFailure(f).catch((e) => console.error('Could not record an integrity failure', e));

  // When the range reaches the object's last block, ask for one byte past its recorded end: if
  // the store returns it, the file on disk is longer than recorded.
  const readEnd = last === lastOfObject ? size : (last + 1) * bs - 1;
  let source: Readable;
  try {
    source = await storage.read(object.storageKey, { start: first * bs, end: readEnd }, { chunkBytes: bs });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await report(fail('missing', first, null));
    throw new IntegrityError();
  }
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let carry: Buffer | null = null;
  const take = async (): Promise<Buffer | null> => {
    if (carry) {
      const c = carry;
      carry = null;
      return c;
    }
    const r = await chunks.next();
    return r.done ? null : r.value;
  };

  /**
   * Reads block i whole and returns its bytes once their hash matches, or the failure. The hash
   * runs on the libuv thread pool (WebCrypto), so concurrent downloads use every core and the
   * event loop stays free for other requests; nothing of the block is emitted before it resolves.
   */
  async function readBlock(i: number): Promise<Buffer[] | IntegrityFailure> {
    const length = lengthOf(i);
    const parts: Buffer[] = [];
    let got = 0;
    while (got < length) {
      const chunk = await take();
      if (!chunk) break;
      const part = chunk.length > length - got ? chunk.subarray(0, length - got) : chunk;
      if (part.length < chunk.length) carry = chunk.subarray(part.length);
      parts.push(part);
      got += part.length;
    }
    const block = parts.length === 1 ? parts[0]! : Buffer.concat(parts, got);
    const actual = Buffer.from(await webcrypto.subtle.digest('SHA-256', block)).toString('hex');
    if (got < length) return fail('size_mismatch', i, actual);
    if (actual !== expected(i)) return fail('block_hash_mismatch', i, actual);
    if (i === lastOfObject && (await take())?.length) return fail('size_mismatch', i, actual);
    return [block];
  }

  /** The bytes of verified block i that fall inside the range. */
  function* inRange(i: number, parts: Buffer[]): Generator<Buffer> {
    let pos = i * bs;
    for (const part of parts) {
      const from = Math.max(want.start, pos) - pos;
      const to = Math.min(want.end + 1, pos + part.length) - pos;
      if (to > from) yield part.subarray(from, to);
      pos += part.length;
    }
  }

  const firstBlock = await readBlock(first).catch((e) => {
    source.destroy();
    throw e;
  });
  if (!Array.isArray(firstBlock)) {
    source.destroy();
    await report(firstBlock);
    throw new IntegrityError();
  }

  let ready: Buffer[] | null = firstBlock;
  let next = first;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const block = ready ?? (await readBlock(next));
          ready = null;
          if (!Array.isArray(block)) {
            source.destroy();
            await report(block);
            controller.error(new IntegrityError());
            return;
          }
          for (const bytes of inRange(next, block)) controller.enqueue(bytes);
          if (++next > last) {
            source.destroy();
            controller.close();
          }
        } catch (e) {
          source.destroy();
          controller.error(e);
        }
      },
      cancel() {
        source.destroy();
      },
    },
    // Pull the next block once less than one block is queued: reading overlaps sending, and
    // at most about two blocks are held, whatever the object's size.
    new ByteLengthQueuingStrategy({ highWaterMark: bs }),
  );
}
