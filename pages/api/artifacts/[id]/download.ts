import type { NextApiRequest, NextApiResponse } from 'next';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { auth } from '@/lib/auth/auth';
import { answerDownload } from '@/lib/dml/download-http';
import { metrics } from '@/lib/ops/metrics';
import { currentRequestId } from '@/lib/ops/request-id';

/**
 * The artifact download endpoint. It lives in the Pages Router on purpose: App Router route
 * handlers drop Content-Length from every response (Next.js 16), and a download must announce
 * its length so browsers show progress and clients can tell a complete transfer from a cut one.
 * Here the verified stream is written to Node's response directly, headers intact.
 */
export const config = { api: { bodyParser: false, responseLimit: false } };

export default async function download(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    res.status(405).json({ error: 'Use GET or HEAD.', requestId: currentRequestId() });
    return;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const answer = await answerDownload({
    method: req.method,
    artifactId: String(req.query.id ?? ''),
    headers,
    searchParams: new URL(req.url ?? '/', 'http://localhost').searchParams,
    sessionId: async () => (await auth(req, res))?.user?.sid,
  });
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  if (!answer.body || req.method === 'HEAD') {
    await answer.body?.cancel();
    res.end();
    return;
  }
  try {
    const served = metrics().downloadBytes;
    await pipeline(
      Readable.fromWeb(answer.body as NodeWebStream<Uint8Array>),
      // Counted as the bytes go out, so a long download shows up in the metrics while it runs.
      async function* count(chunks: AsyncIterable<Uint8Array>) {
        for await (const chunk of chunks) {
          served.inc(chunk.byteLength);
          yield chunk;
        }
      },
      res,
    );
  } catch {
    // The verified stream stopped (integrity failure, already recorded) or the client went away:
    // cut the connection so a short body can never pass for a complete one.
    res.destroy();
  }
}
