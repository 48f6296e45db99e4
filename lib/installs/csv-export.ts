import { assertRole, type Actor } from '@/lib/auth/roles';
import { copyCsvStream, postgresPool } from './csv-copy';
import type { InstallFilter } from './filters';
import { csvLine } from './csv';
import { csvHeader, streamInstallRecordsCsv } from './queries';
import { resolveFilter } from './records-query';

const CHUNK_CHARS = 64 * 1024;
// A byte-order mark, so spreadsheet apps read names such as "Müller" as UTF-8.
const BOM = '\uFEFF';

/**
 * The install records matching the desk's filter as a CSV byte stream (BOM, header, rows), with
 * flat memory and backpressure whatever the row count. On PostgreSQL the database writes the
 * lines (COPY, see csv-copy.ts); on PGlite they are read in keyset batches. The role is checked
 * before anything is read, and cancelling the stream stops the query.
 */
export async function openInstallRecordsCsv(actor: Actor, filter: InstallFilter): Promise<ReadableStream<Uint8Array>> {
  assertRole(actor, 'service_desk', 'admin');
  const pool = postgresPool();
  const encoder = new TextEncoder();
  if (pool) {
    return copyCsvStream(pool, await resolveFilter(filter), encoder.encode(BOM + csvLine(csvHeader)));
  }
  return batchedCsvStream(actor, filter, encoder);
}

async function batchedCsvStream(actor: Actor, filter: InstallFilter, encoder: TextEncoder): Promise<ReadableStream<Uint8Array>> {
  const lines = streamInstallRecordsCsv(actor, filter);
  const first = await lines.next();
  let pending = `${BOM}${first.done ? '' : first.value}`;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        for (let r = await lines.next(); ; r = await lines.next()) {
          if (r.done) {
            if (pending) controller.enqueue(encoder.encode(pending));
            controller.close();
            return;
          }
          pending += r.value;
          if (pending.length >= CHUNK_CHARS) break;
        }
        controller.enqueue(encoder.encode(pending));
        pending = '';
      } catch (e) {
        // Headers are gone by now: end the download as failed rather than hand over a short file as complete.
        console.error('Install records export failed mid-stream', e);
        controller.error(e);
      }
    },
    async cancel() {
      await lines.return(undefined); // The client gave up: stop reading batches.
    },
  });
}
