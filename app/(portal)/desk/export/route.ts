import type { NextRequest } from 'next/server';
import { currentActor } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';
import { installFilterInput } from '@/lib/installs/filters';
import { streamInstallRecordsCsv } from '@/lib/installs/queries';

const CHUNK_BYTES = 64 * 1024;

function error(status: number, message: string, field?: string): Response {
  return Response.json({ error: message, field }, { status, headers: { 'Cache-Control': 'no-store' } });
}

/**
 * The install records for the desk page's filters as a CSV download, streamed as it is read so
 * a million rows cost no more memory than fifty. The proxy gates /desk already; the service
 * checks the role again, and its refusal is answered here as 403.
 */
export async function GET(req: NextRequest): Promise<Response> {
  const actor = await currentActor();
  if (!actor) return error(401, 'Sign in to export install records.');
  const parsed = installFilterInput.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return error(422, issue?.message ?? 'Invalid filter.', issue?.path.join('.') || undefined);
  }

  const lines = streamInstallRecordsCsv(actor, parsed.data);
  let first: IteratorResult<string>;
  try {
    first = await lines.next(); // Runs the role check before any byte is sent.
  } catch (e) {
    if (e instanceof AppError) return error(e.status, e.message, e.field);
    console.error('Install records export failed', e);
    return error(500, 'The export failed. Try again later.');
  }

  const encoder = new TextEncoder();
  // A byte-order mark, so spreadsheet apps read names such as "Müller" as UTF-8.
  let pending = `\uFEFF${first.done ? '' : first.value}`;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        for (let r = await lines.next(); ; r = await lines.next()) {
          if (r.done) {
            if (pending) controller.enqueue(encoder.encode(pending));
            controller.close();
            return;
          }
          pending += r.value;
          if (pending.length >= CHUNK_BYTES) break;
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
      await lines.return(undefined); // The browser gave up: stop reading batches.
    },
  });

  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="install-records-${day}.csv"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
