import type { NextRequest } from 'next/server';
import { openAuditCsv } from '@/lib/audit/export';
import { auditFilterInput } from '@/lib/audit/queries';
import { currentActor } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';

function error(status: number, message: string, field?: string): Response {
  return Response.json({ error: message, field }, { status, headers: { 'Cache-Control': 'no-store' } });
}

/** The audit log for the page's filters as a CSV download; the service checks the admin role. */
export async function GET(req: NextRequest): Promise<Response> {
  const actor = await currentActor();
  if (!actor) return error(401, 'Sign in to export the audit log.');
  const parsed = auditFilterInput.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return error(422, issue?.message ?? 'Invalid filter.', issue?.path.join('.') || undefined);
  }
  let body: ReadableStream<Uint8Array>;
  try {
    body = await openAuditCsv(actor, parsed.data);
  } catch (e) {
    if (e instanceof AppError) return error(e.status, e.message, e.field);
    console.error('Audit log export failed', e);
    return error(500, 'The export failed. Try again later.');
  }
  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="audit-log-${day}.csv"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
