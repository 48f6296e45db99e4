import { Readable } from 'node:stream';
import { currentActor } from '@/lib/auth/session';
import { readProductIcon } from '@/lib/catalogue/icons';
import { AppError } from '@/lib/errors';

export async function GET(_: Request, { params }: { params: Promise<{ slug: string }> }) {
  const actor = await currentActor();
  if (!actor) return Response.json({ error: 'Sign in first.' }, { status: 401 });
  try {
    const icon = await readProductIcon(actor, (await params).slug);
    return new Response(Readable.toWeb(icon.body) as ReadableStream, {
      headers: {
        'Content-Type': icon.mediaType,
        // The URL carries the icon's hash, so the bytes behind it never change.
        'Cache-Control': 'private, max-age=31536000, immutable',
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'",
      },
    });
  } catch (e) {
    if (e instanceof AppError) return Response.json({ error: e.message }, { status: e.status });
    throw e;
  }
}
