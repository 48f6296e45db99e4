import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Pool, PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { getDb } from '@/db';
import { artifacts, devices, installEvents, products, releases, users } from '@/db/schema';
import { recordConditions, type ResolvedFilter } from './records-query';

/**
 * The install records CSV produced by PostgreSQL itself: one `COPY (…) TO STDOUT` whose rows are
 * finished CSV lines, streamed to the client as they arrive. A million rows never pass through
 * JS objects, and the socket is read only as fast as the client takes the bytes.
 *
 * Each cell is written exactly as `csvCell` writes it (same formula guard, quoting and CRLF), so
 * this and the PGlite path produce the same file. COPY's own CSV mode would end lines with LF
 * and quote empty strings, hence one pre-built text column per row, sent in binary format (no
 * escaping to undo).
 */

/** `csvCell` of a text value, in SQL: apostrophe before a formula start, quotes where needed. */
function textCell(value: SQL | unknown): SQL {
  const v = sql`(${value})::text`;
  const guarded = sql`(case when ${v} ~ E'^[=+@\\t\\r-]' then '''' || ${v} else ${v} end)`;
  return sql`(case when ${v} is null then '' when ${v} ~ E'[",\\r\\n]' then '"' || replace(${guarded}, '"', '""') || '"' else ${guarded} end)`;
}
/** Values that can hold no comma, quote or line break (numbers, ids, enums, hashes). */
const plainCell = (value: SQL | unknown) => sql`coalesce((${value})::text, '')`;

export function csvCopyQuery(filter: ResolvedFilter) {
  const e = installEvents;
  const approver = alias(users, 'approver');
  const cells = [
    sql`to_char(${e.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    plainCell(e.type),
    textCell(devices.hostname),
    plainCell(e.deviceId),
    textCell(users.name),
    textCell(users.email),
    textCell(products.name),
    plainCell(products.slug),
    textCell(releases.version),
    plainCell(artifacts.platform),
    plainCell(e.sha256),
    plainCell(e.requestId),
    textCell(approver.name),
    textCell(e.agentVersion),
    plainCell(e.exitCode),
    plainCell(e.bytes),
    textCell(e.errorText),
    plainCell(e.id),
  ];
  const where = recordConditions(filter);
  return getDb()
    .select({ line: sql<string>`concat_ws(',', ${sql.join(cells, sql`, `)}) || E'\\r\\n'` })
    .from(e)
    .innerJoin(devices, eq(devices.id, e.deviceId))
    .innerJoin(products, eq(products.id, e.productId))
    .innerJoin(releases, eq(releases.id, e.releaseId))
    .innerJoin(artifacts, eq(artifacts.id, e.artifactId))
    .leftJoin(users, eq(users.id, e.userId))
    .leftJoin(approver, eq(approver.id, e.approverId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(e.occurredAt), desc(e.id));
}

/** COPY takes no bind parameters: the query's values are inlined as quoted literals. */
function inlineParams(client: PoolClient, text: string, params: unknown[]): string {
  return text.replace(/\$(\d+)\b/g, (_, n: string) => {
    const v = params[Number(n) - 1];
    if (typeof v === 'number' || typeof v === 'bigint') return String(v);
    return client.escapeLiteral(v instanceof Date ? v.toISOString() : String(v));
  });
}

/**
 * Streams the COPY's rows (binary format: a header, then per row a 16-bit field count and a
 * 32-bit length before the line's bytes, then a -1 trailer) as the bare lines.
 */
class BinaryCopyLines {
  private rest: Buffer = Buffer.alloc(0);
  private headerDone = false;

  take(chunk: Buffer): Buffer {
    let buf = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    if (!this.headerDone) {
      if (buf.length < 19) return this.keep(buf, 0);
      const extension = buf.readUInt32BE(15);
      if (buf.length < 19 + extension) return this.keep(buf, 0);
      buf = buf.subarray(19 + extension);
      this.headerDone = true;
    }
    const lines: Buffer[] = [];
    let at = 0;
    while (buf.length - at >= 2) {
      if (buf.readInt16BE(at) === -1) {
        at = buf.length;
        break;
      }
      if (buf.length - at < 6) break;
      const length = buf.readInt32BE(at + 2);
      if (buf.length - at < 6 + length) break;
      lines.push(buf.subarray(at + 6, at + 6 + length));
      at += 6 + length;
    }
    this.keep(buf, at);
    return lines.length === 1 ? lines[0]! : Buffer.concat(lines);
  }

  private keep(buf: Buffer, from: number): Buffer {
    this.rest = Buffer.from(buf.subarray(from));
    return Buffer.alloc(0);
  }
}

/** The pool behind the process's PostgreSQL database, or null on PGlite. */
export function postgresPool(): Pool | null {
  const client = (getDb() as unknown as { $client?: unknown }).$client;
  return client && typeof (client as Pool).connect === 'function' && 'totalCount' in (client as object) ? (client as Pool) : null;
}

/**
 * Runs the COPY on a connection of its own and returns its lines as a byte stream, `prefix`
 * first. Cancelling the stream (the client went away) destroys that connection, which ends the
 * query on the server, and the pool opens a fresh one when it next needs it.
 */
export async function copyCsvStream(pool: Pool, filter: ResolvedFilter, prefix: Uint8Array): Promise<ReadableStream<Uint8Array>> {
  const query = csvCopyQuery(filter).toSQL();
  const client = await pool.connect();
  let released = false;
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    client.release(error);
  };
  let copy;
  try {
    copy = client.query(copyTo(`COPY (${inlineParams(client, query.sql, query.params)}) TO STDOUT WITH (FORMAT binary)`));
  } catch (e) {
    release(e as Error);
    throw e;
  }
  const chunks = copy[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // The first rows are awaited here, so a failing query is still a clean error, not a cut download.
  let pending: IteratorResult<Buffer> | null;
  try {
    pending = await chunks.next();
  } catch (e) {
    release(e as Error);
    throw e;
  }
  const lines = new BinaryCopyLines();
  let first = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (first) {
        first = false;
        controller.enqueue(prefix);
      }
      try {
        for (;;) {
          const r = pending ?? (await chunks.next());
          pending = null;
          if (r.done) {
            release();
            controller.close();
            return;
          }
          const out = lines.take(r.value);
          if (out.length) {
            controller.enqueue(new Uint8Array(out.buffer, out.byteOffset, out.length));
            return;
          }
        }
      } catch (e) {
        // Headers are gone by now: end the download as failed rather than hand over a short file as complete.
        console.error('Install records export failed mid-stream', e);
        release(e as Error);
        controller.error(e);
      }
    },
    cancel() {
      release(new Error('The client stopped reading the CSV export.'));
      copy.destroy();
    },
  });
}
