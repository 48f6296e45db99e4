import { createHash, webcrypto } from 'node:crypto';
import { BLOCK_SIZE } from './storage';

/** Block digests computing at once; bounds the memory an upload holds to a few blocks. */
const MAX_PENDING_BLOCKS = 4;

const sha256Hex = async (bytes: Uint8Array) => Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');

/**
 * Hashes a stream as a whole and per fixed-size block in one pass, so any byte range can later
 * be verified by reading only the blocks it touches. The whole-object hash runs here, the block
 * hashes on the libuv thread pool (WebCrypto), so the two passes use two cores.
 */
export class BlockHasher {
  private readonly whole = createHash('sha256');
  private parts: Uint8Array[] = [];
  private inBlock = 0;
  private readonly blocks: Promise<string>[] = [];
  private settled = 0;
  size = 0;

  constructor(readonly blockSize = BLOCK_SIZE) {}

  /** Takes a chunk; resolves once there is room for more (await it: it is the backpressure). */
  async update(chunk: Uint8Array): Promise<void> {
    this.whole.update(chunk);
    this.size += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.blockSize - this.inBlock, chunk.length - offset);
      this.parts.push(take === chunk.length ? chunk : chunk.subarray(offset, offset + take));
      this.inBlock += take;
      offset += take;
      if (this.inBlock === this.blockSize) this.endBlock();
    }
    while (this.blocks.length - this.settled > MAX_PENDING_BLOCKS) await this.blocks[this.settled++];
  }

  private endBlock(): void {
    // A block that arrived as one chunk is hashed in place; only a block split across chunks is joined.
    const block = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.inBlock);
    const digest = sha256Hex(block);
    digest.catch(() => {}); // Awaited in order later; this keeps an early failure from being "unhandled".
    this.blocks.push(digest);
    this.parts = [];
    this.inBlock = 0;
  }

  async finish(): Promise<{ sha256: string; size: number; blockHashes: string }> {
    if (this.inBlock > 0 || this.blocks.length === 0) this.endBlock();
    const blockHashes = (await Promise.all(this.blocks)).join('');
    return { sha256: this.whole.digest('hex'), size: this.size, blockHashes };
  }
}
