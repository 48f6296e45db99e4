/**
 * DML on S3 benchmark (not a test; part of `npm run bench`): S3Storage ingest and verified
 * download beside a raw SDK PutObject / GetObject of the same bytes, against the test
 * S3-compatible server (s3rver, a separate local process; it stores on this disk, so this
 * measures the portal's overhead over S3 calls, not a real object store). BENCH_S3_BYTES sets the
 * size (default 64 MiB).
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { openVerifiedStream } from '../lib/dml/verified-stream';
import { startS3Server } from '../test/support/s3-server';
import { fmt, measure, MiB, parseSize, writeRandomFile } from './tools';

async function drain(stream: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const c of stream) n += c.length;
  return n;
}

async function main() {
  const size = parseSize(process.env.BENCH_S3_BYTES, 64 * MiB);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'portal-bench-s3-'));
  const server = await startS3Server('bench');
  try {
    const source = path.join(dir, 'source.bin');
    await writeRandomFile(source, size);
    const storage = server.storage('bench/');
    const mibs = (s: number) => size / MiB / s;
    console.log(`DML on S3 benchmark: ${fmt(size / MiB)} MiB against s3rver at ${server.endpoint}`);

    const rawPut = await measure(() =>
      storage.client.send(
        new PutObjectCommand({ Bucket: server.bucket, Key: 'raw/object', Body: createReadStream(source), ContentLength: size }),
      ),
    );
    const ingest = await measure(() => storage.put(createReadStream(source, { highWaterMark: MiB })));
    const rawGet = await measure(async () => {
      const r = await storage.client.send(new GetObjectCommand({ Bucket: server.bucket, Key: 'raw/object' }));
      return drain(r.Body as Readable);
    });
    const o = ingest.result;
    const object = { storageKey: o.key, sizeBytes: o.size, blockSize: o.blockSize, blockHashes: o.blockHashes };
    const verified = await measure(async () => {
      const stream = await openVerifiedStream({ storage, object, range: null, onFailure: async () => {} });
      return drain(stream as unknown as AsyncIterable<Uint8Array>);
    });
    if (rawGet.result !== size || verified.result !== size) throw new Error(`short read: ${rawGet.result}, ${verified.result}`);
    console.table([
      {
        path: 'ingest (S3Storage.put: multipart to tmp/, hash, copy to content key)',
        product: `${fmt(mibs(ingest.seconds))} MiB/s`,
        baseline: `${fmt(mibs(rawPut.seconds))} MiB/s raw PutObject`,
        ratio: fmt(rawPut.seconds / ingest.seconds, 2),
        'peak RSS MiB': fmt(ingest.peakRss / MiB),
      },
      {
        path: 'verified download (ranged GET, every block hashed)',
        product: `${fmt(mibs(verified.seconds))} MiB/s`,
        baseline: `${fmt(mibs(rawGet.seconds))} MiB/s raw GetObject`,
        ratio: fmt(rawGet.seconds / verified.seconds, 2),
        'peak RSS MiB': fmt(verified.peakRss / MiB),
      },
    ]);
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
