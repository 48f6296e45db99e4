import { csvLine, type CsvCell } from '@/lib/installs/csv';

const CHUNK_CHARS = 64 * 1024;
// A byte-order mark, so spreadsheet apps read names such as "Müller" as UTF-8.
const BOM = '\uFEFF';

/**
 * A CSV byte stream (BOM, header, rows) pulled from keyset-batched rows: flat memory and
 * backpressure whatever the row count. The first batch is read before this returns, so a refusal
 * (role, unknown id) is an error the route can still answer with a status; cancelling stops the reads.
 */
export async function csvStream(header: readonly string[], rows: AsyncGenerator<readonly CsvCell[]>): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  const first = await rows.next();
  let pending = BOM + csvLine(header) + (first.done ? '' : csvLine(first.value));
  let done = first.done ?? false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        while (!done && pending.length < CHUNK_CHARS) {
          const r = await rows.next();
          if (r.done) done = true;
          else pending += csvLine(r.value);
        }
        if (pending) controller.enqueue(encoder.encode(pending));
        pending = '';
        if (done) controller.close();
      } catch (e) {
        // Headers are gone by now: end the download as failed rather than hand over a short file as complete.
        console.error('CSV export failed mid-stream', e);
        controller.error(e);
      }
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
}
