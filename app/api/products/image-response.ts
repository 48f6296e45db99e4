import { Readable } from 'node:stream';
import { currentActor } from '@/lib/auth/session';
import { errorResponse } from '@/app/api/respond';

/**
 * Serves a product image (icon or screenshot) to a signed-in user. The URL carries the content
 * hash, so the bytes behind it never change. An SVG is never a page: it gets a CSP that runs
 * nothing and loads nothing (sandboxed, so even a miss in the upload check cannot script the
 * portal's origin), and is sent as an attachment if someone opens it directly.
 */
export async function imageResponse(
  read: (actor: NonNullable<Awaited<ReturnType<typeof currentActor>>>) => Promise<{ mediaType: string; body: Readable }>,
) {
  const actor = await currentActor();
  if (!actor) return Response.json({ error: 'Sign in first.' }, { status: 401 });
  try {
    const image = await read(actor);
    const svg = image.mediaType === 'image/svg+xml';
    return new Response(Readable.toWeb(image.body) as ReadableStream, {
      headers: {
        'Content-Type': image.mediaType,
        'Cache-Control': 'private, max-age=31536000, immutable',
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        ...(svg ? { 'Content-Disposition': 'attachment; filename="icon.svg"' } : {}),
      },
    });
  } catch (e) {
    return errorResponse(e);
  }
}
