/**
 * DML throughput and memory benchmark (not a test): `npm run bench`.
 *
 * Writes a file of random bytes (1 GiB by default; BENCH_BYTES=64MiB or =67108864 to try it
 * small) into a temporary folder, then measures
 *   (a) ingest through LocalStorage.put (hash whole + per block, write, fsync, link),
 *   (b) a verified full read through openVerifiedStream (every 1 MiB block hashed and compared),
 *   (c) `sha256sum` of the same file, as the floor for "read and hash it once",
 * sampling this process's RSS throughout, and prints a table. Everything is removed afterwards.
 * The file was just written, so reads are mostly from the page cache: this measures hashing and
 * stream overhead, not the disk.
 */
import { execFile } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { LocalStorage } from '../lib/dml/local-storage';
import { openVerifiedStream } from '../lib/dml/verified-stream';

const MiB = 1024 * 1024;

function parseSize(s: string | undefined): number {
  if (!s) return 1024 * MiB;
  const m = /^(\d+(?:\.\d+)?)\s*(k|m|g)?i?b?$/i.exec(s.trim());
  if (!m) throw new Error(`BENCH_BYTES: not a size: ${s}`);
  const unit = { k: 1024, m: MiB, g: 1024 * MiB }[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? 1;
  return Math.round(Number(m[1]) * unit);
}

/** Peak RSS while `fn` runs, sampled every 10 ms (plus before and after). */
async function measure<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number; peakRss: number }> {
  let peakRss = process.memoryUsage().rss;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
  const start = process.hrtime.bigint();
  try {
    const result = await fn();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { result, seconds, peakRss: Math.max(peakRss, process.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
  }
}

async function writeRandomFile(file: string, size: number): Promise<void> {
  const handle = await open(file, 'w');
  const buffer = Buffer.allocUnsafe(4 * MiB);
  try {
    for (let written = 0; written < size;) {
      const n = Math.min(buffer.length, size - written);
      randomFillSync(buffer, 0, n);
      await handle.write(buffer, 0, n); // Awaited, so the one buffer can be refilled safely.
      written += n;
    }
  } finally {
    await handle.close();
  }
}

async function main() {
  const size = parseSize(process.env.BENCH_BYTES);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'portal-bench-'));
  const rows: Record<string, string>[] = [];
  const row = (step: string, seconds: number, peakRss: number | null, note = '') =>
    rows.push({
      step,
      seconds: seconds.toFixed(2),
      'MiB/s': (size / MiB / seconds).toFixed(0),
      'peak RSS MiB': peakRss === null ? '(child)' : (peakRss / MiB).toFixed(0),
      note,
    });
  try {
    console.log(`DML benchmark: ${(size / MiB).toFixed(0)} MiB in ${dir} (node ${process.version}, ${os.cpus().length} CPUs)`);
    const baseline = process.memoryUsage().rss;
    const source = path.join(dir, 'source.bin');
    const gen = await measure(() => writeRandomFile(source, size));
    row('write random source file', gen.seconds, gen.peakRss);

    const storage = new LocalStorage(path.join(dir, 'dml'));
    const ingest = await measure(() => storage.put(createReadStream(source, { highWaterMark: MiB })));
    const stored = ingest.result;
    row('(a) ingest: LocalStorage.put', ingest.seconds, ingest.peakRss, `${stored.blockHashes.length / 64} blocks, fsync incl.`);

    const verified = await measure(async () => {
      const stream = await openVerifiedStream({
        storage,
        object: { storageKey: stored.key, sizeBytes: stored.size, blockSize: stored.blockSize, blockHashes: stored.blockHashes },
        range: null,
        onFailure: async (f) => {
          throw new Error(`integrity failure in the benchmark: ${JSON.stringify(f)}`);
        },
      });
      const reader = stream.getReader();
      let bytes = 0;
      for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.length;
      return bytes;
    });
    if (verified.result !== size) throw new Error(`verified read returned ${verified.result} bytes, not ${size}`);
    row('(b) verified full read', verified.seconds, verified.peakRss, 'every block hashed + compared');

    const sum = await measure(() => promisify(execFile)('sha256sum', [storage.pathFor(stored.key)]));
    if (!sum.result.stdout.startsWith(stored.sha256)) throw new Error('sha256sum disagrees with the stored hash');
    row('(c) sha256sum (coreutils)', sum.seconds, null, 'same file, for comparison');

    console.table(rows);
    const maxRss = process.resourceUsage().maxRSS * 1024; // maxRSS is in KiB
    console.log(
      `RSS: baseline ${(baseline / MiB).toFixed(0)} MiB; peak sampled ${(Math.max(ingest.peakRss, verified.peakRss) / MiB).toFixed(0)} MiB ` +
        `during ingest/verified read; process maxRSS ${(maxRss / MiB).toFixed(0)} MiB (file: ${(size / MiB).toFixed(0)} MiB).`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
