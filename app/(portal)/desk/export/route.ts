import type { NextRequest } from 'next/server';
import { currentActor } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';
import { openInstallRecordsCsv } from '@/lib/installs/csv-export';
import { installFilterInput } from '@/lib/installs/filters';

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

  let body: ReadableStream<Uint8Array>;
  try {
    body = await openInstallRecordsCsv(actor, parsed.data); // Role check and first rows before any byte is sent.
  } catch (e) {
    if (e instanceof AppError) return error(e.status, e.message, e.field);
    console.error('Install records export failed', e);
    return error(500, 'The export failed. Try again later.');
  }

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
