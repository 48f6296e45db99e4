/**
 * DML benchmark (not a test): `npm run bench`. Every product path is measured beside its
 * baseline in the same run, with the ratio and peak RSS:
 *   ingest (LocalStorage.put: hash whole + per block, write, fsync, link) vs sha256sum + cp + fsync;
 *   verified download, 1 and 8 at once, over HTTP (bench/download-server.ts: the real
 *     openDownload path behind node:http) vs cores × `openssl dgst -sha256` and vs nginx sendfile;
 *   100-byte Range requests vs nginx, idle and during 8 downloads.
 * BENCH_BYTES sets the file size (default 256 MiB). The file was just written, so reads come
 * from the page cache: this measures hashing and serving, not the disk. All is removed after.
 */
import { createReadStream } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LocalStorage } from '../lib/dml/local-storage';
import {
  curlParallel,
  fmt,
  measure,
  MiB,
  parseSize,
  rangeLatency,
  run,
  scratchDatabase,
  startJsonChild,
  startNginx,
  stopChild,
  writeRandomFile,
} from './tools';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

interface Row {
  path: string;
  product: string;
  baseline: string;
  ratio: string;
  target: string;
  'peak RSS MiB': string;
}

async function main() {
  const size = parseSize(process.env.BENCH_BYTES, 256 * MiB);
  const cores = os.cpus().length;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'portal-bench-'));
  await chmod(dir, 0o755); // nginx's workers must be able to reach the files.
  const rows: Row[] = [];
  const mibs = (bytes: number, s: number) => bytes / MiB / s;
  const stops: (() => Promise<void>)[] = [];
  try {
    console.log(`DML benchmark: ${fmt(size / MiB)} MiB, ${cores} cores, node ${process.version}, in ${dir}`);
    const source = path.join(dir, 'source.bin');
    await writeRandomFile(source, size);

    // Single-core SHA-256 rate of the machine, the unit the download target is stated in.
    const openssl = await measure(() => run('openssl', ['dgst', '-sha256', source]));
    const sum = await measure(() => run('sha256sum', [source]));
    const opensslRate = mibs(size, openssl.seconds);
    console.log(`openssl dgst -sha256: ${fmt(opensslRate)} MiB/s; sha256sum: ${fmt(mibs(size, sum.seconds))} MiB/s (one core each)`);

    const storage = new LocalStorage(path.join(dir, 'dml'));
    const ingest = await measure(() => storage.put(createReadStream(source, { highWaterMark: MiB })));
    const copy = path.join(dir, 'copy.bin');
    const floor = await measure(() => run('sh', ['-c', 'sha256sum "$1" >/dev/null && cp "$1" "$2" && sync "$2"', 'sh', source, copy]));
    await rm(copy);
    rows.push({
      path: 'ingest (put: hash + blocks + write + fsync)',
      product: `${fmt(mibs(size, ingest.seconds))} MiB/s`,
      baseline: `${fmt(mibs(size, floor.seconds))} MiB/s sha256sum+cp+fsync`,
      ratio: fmt(floor.seconds / ingest.seconds, 2),
      target: '≥ 0.9',
      'peak RSS MiB': fmt(ingest.peakRss / MiB),
    });

    const stored = ingest.result;
    const objectFile = path.join(dir, 'object.json');
    await writeFile(objectFile, JSON.stringify(stored));
    // With a PostgreSQL server configured, the download server uses a database of its own on it.
    const database = await scratchDatabase('dml');
    if (database) stops.push(database.drop);
    const { child, ready } = await startJsonChild(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'download-server.ts')],
      { BENCH_OBJECT: objectFile, BENCH_STORE: storage.root, ...(database ? { BENCH_DATABASE_URL: database.url } : {}) },
    );
    stops.push(() => stopChild(child));
    const { port, artifactId, rss: readyRss, engine } = ready as { port: number; artifactId: string; rss: number; engine: string };
    console.log(`download server: real openDownload path behind node:http, database ${engine}`);
    const product = `http://127.0.0.1:${port}/${artifactId}`;
    const nginxPort = await freePort();
    stops.push(await startNginx(dir, path.join(storage.root, 'objects'), nginxPort));
    const nginx = `http://127.0.0.1:${nginxPort}/${stored.key.slice(0, 2)}/${stored.key.slice(2, 4)}/${stored.key}`;
    const peak = async () => ((await (await fetch(`http://127.0.0.1:${port}/rss`)).json()) as { maxRss: number }).maxRss;
    // The server's peak, and in brackets its growth over what it held once ready (PGlite included).
    const serverRss = async () => `${fmt((await peak()) / MiB)} (+${fmt(((await peak()) - readyRss) / MiB)})`;

    await curlParallel(product, 1); // Warm-up: caches the block hashes, like any second request.
    for (const n of [1, 8]) {
      const ours = await curlParallel(product, n);
      const theirs = await curlParallel(nginx, n);
      if (ours.bytes !== n * size || theirs.bytes !== n * size) throw new Error(`short download: ${ours.bytes}, ${theirs.bytes}`);
      const rate = mibs(ours.bytes, ours.seconds);
      const shaFloor = Math.min(n, cores) * opensslRate;
      rows.push({
        path: `verified download ×${n} (aggregate)`,
        product: `${fmt(rate)} MiB/s`,
        baseline: `${fmt(shaFloor)} MiB/s ${Math.min(n, cores)}×openssl; nginx ${fmt(mibs(theirs.bytes, theirs.seconds))}`,
        ratio: `${fmt(rate / shaFloor, 2)} of sha; ${fmt(rate / mibs(theirs.bytes, theirs.seconds), 2)} of nginx`,
        target: n === 8 ? '≥ 0.8 of sha' : '–',
        'peak RSS MiB': `server ${await serverRss()}`,
      });
    }

    const ours = await rangeLatency(product, size, 300);
    const theirs = await rangeLatency(nginx, size, 300);
    rows.push({
      path: 'Range 100 B, median / p99',
      product: `${fmt(ours.median, 2)} / ${fmt(ours.p99, 2)} ms`,
      baseline: `nginx ${fmt(theirs.median, 2)} / ${fmt(theirs.p99, 2)} ms`,
      ratio: fmt(ours.median / theirs.median, 1),
      target: '≤ 3 ms',
      'peak RSS MiB': '',
    });
    // Other requests while 8 downloads run: does hashing hold up the event loop?
    const busy = curlParallel(product, 8);
    const during = await rangeLatency(product, size, 100);
    await busy;
    rows.push({
      path: 'Range 100 B during 8 downloads',
      product: `${fmt(during.median, 2)} / ${fmt(during.p99, 2)} ms`,
      baseline: `idle ${fmt(ours.median, 2)} / ${fmt(ours.p99, 2)} ms`,
      ratio: fmt(during.p99 / ours.p99, 1),
      target: 'p99 ≤ 1.2× (see note)',
      'peak RSS MiB': `server ${await serverRss()}`,
    });

    console.table(rows);
    console.log(
      'Notes: the download server is the real openDownload path behind node:http (no Next.js, no session lookup); ' +
        'curl and nginx share the same 2 cores. "during 8 downloads" measures a request that also competes for CPU with the downloads.',
    );
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
