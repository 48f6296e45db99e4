import type { NextRequest } from 'next/server';
import { currentActor } from '@/lib/auth/session';
import { csvStream } from '@/lib/deployments/csv-stream';
import { driftCsvHeader, driftCsvRows } from '@/lib/deployments/drift';
import { AppError } from '@/lib/errors';

function error(status: number, message: string, field?: string): Response {
  return Response.json({ error: message, field }, { status, headers: { 'Cache-Control': 'no-store' } });
}

/** Drift across the estate as CSV, streamed in keyset batches; the service checks the role. */
export async function GET(req: NextRequest): Promise<Response> {
  const actor = await currentActor();
  if (!actor) return error(401, 'Sign in to export drift.');
  const raw = req.nextUrl.searchParams.get('kind');
  if (raw !== null && raw !== 'unplanned' && raw !== 'missing') return error(422, 'kind is unplanned or missing.', 'kind');
  let body: ReadableStream<Uint8Array>;
  try {
    body = await csvStream(driftCsvHeader, driftCsvRows(actor, raw ?? undefined));
  } catch (e) {
    if (e instanceof AppError) return error(e.status, e.message, e.field);
    console.error('Drift export failed', e);
    return error(500, 'The export failed. Try again later.');
  }
  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="drift-${day}.csv"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
