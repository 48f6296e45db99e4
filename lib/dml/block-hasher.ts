import { createHash, type Hash } from 'node:crypto';
import { BLOCK_SIZE } from './storage';

/**
 * Hashes a stream as a whole and per fixed-size block in one pass, so any byte range can later
 * be verified by reading only the blocks it touches.
 */
export class BlockHasher {
  private readonly whole = createHash('sha256');
  private block: Hash = createHash('sha256');
  private inBlock = 0;
  private readonly blocks: string[] = [];
  size = 0;

  constructor(readonly blockSize = BLOCK_SIZE) {}

  update(chunk: Uint8Array): void {
    this.whole.update(chunk);
    this.size += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.blockSize - this.inBlock, chunk.length - offset);
      this.block.update(chunk.subarray(offset, offset + take));
      this.inBlock += take;
      offset += take;
      if (this.inBlock === this.blockSize) {
        this.blocks.push(this.block.digest('hex'));
        this.block = createHash('sha256');
        this.inBlock = 0;
      }
    }
  }

  finish(): { sha256: string; size: number; blockHashes: string } {
    if (this.inBlock > 0 || this.blocks.length === 0) this.blocks.push(this.block.digest('hex'));
    return { sha256: this.whole.digest('hex'), size: this.size, blockHashes: this.blocks.join('') };
  }
}
