/**
 * The benchmark's download server (a child process of bench/dml.ts, not a test): the product's
 * download path (`openDownload`: authorise, artifact row, cached block hashes, verified stream)
 * behind a bare `node:http` server, on a scratch database (PostgreSQL, or in-memory PGlite) holding one published
 * artifact whose bytes are already in the store at BENCH_STORE. Next.js and the session lookup
 * are left out (a production build takes minutes on this machine); everything from the
 * database row to the verified bytes on the socket is the real code.
 *
 * Prints one JSON line {port, artifactId, rss} when ready; GET /rss answers its peak RSS.
 */
import { PGlite } from '@electric-sql/pglite';
import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { createDb, setDbHandle } from '../db';
import { runMigrations } from '../db/migrate';
import { artifacts, products, releases } from '../db/schema';
import { setStorage } from '../lib/dml';
import { openDownload, type DownloadPrincipal } from '../lib/dml/download';
import { LocalStorage } from '../lib/dml/local-storage';
import type { StoredObject } from '../lib/dml/storage';

async function main() {
  const stored = JSON.parse(await readFile(process.env.BENCH_OBJECT!, 'utf8')) as StoredObject;
  setStorage(new LocalStorage(process.env.BENCH_STORE!));
  // A scratch PostgreSQL database made by the parent when DATABASE_URL is set; else embedded.
  const url = process.env.BENCH_DATABASE_URL;
  const handle = url ? createDb({ kind: 'postgres', url }) : createDb({ kind: 'pglite-instance', client: new PGlite() });
  setDbHandle(handle);
  await runMigrations(handle);
  const db = handle.db;
  const [product] = await db.insert(products).values({ slug: 'bench', name: 'Bench', publisher: 'Bench', category: 'Bench' }).returning();
  const [release] = await db.insert(releases).values({ productId: product!.id, version: '1.0.0' }).returning();
  const [artifact] = await db
    .insert(artifacts)
    .values({
      releaseId: release!.id,
      platform: 'linux-x64',
      fileName: 'bench.bin',
      sizeBytes: stored.size,
      sha256: stored.sha256,
      storageKey: stored.key,
      blockSize: stored.blockSize,
      blockHashes: stored.blockHashes,
    })
    .returning();
  await db.update(releases).set({ status: 'published', publishedAt: new Date() }).where(eq(releases.id, release!.id));

  const librarian: DownloadPrincipal = {
    kind: 'user',
    actor: { id: randomUUID(), email: 'bench@example.com', name: 'Bench', roles: ['librarian'] },
  };
  const server = createServer(async (req, res) => {
    if (req.url === '/rss') {
      res.end(JSON.stringify({ maxRss: process.resourceUsage().maxRSS * 1024, rss: process.memoryUsage().rss }));
      return;
    }
    try {
      const r = await openDownload(librarian, req.url!.slice(1), {
        method: 'GET',
        range: req.headers.range ?? null,
        ifRange: (req.headers['if-range'] as string | undefined) ?? null,
      });
      res.writeHead(r.status, r.headers);
      if (!r.body) return void res.end();
      await pipeline(Readable.fromWeb(r.body as NodeWebStream<Uint8Array>), res);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500).end(String(e));
      else res.destroy();
    }
  });
  server.listen(0, '127.0.0.1', () => {
    console.log(
      JSON.stringify({
        port: (server.address() as AddressInfo).port,
        artifactId: artifact!.id,
        rss: process.memoryUsage().rss,
        engine: handle.kind,
      }),
    );
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
