import { Readable } from 'node:stream';
// The DOM and Node typings describe the same WHATWG stream under two names.
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import { z } from 'zod';
import { currentActor } from '@/lib/auth/session';
import { ingestArtifact } from '@/lib/dml/ingest';
import { artifactInput } from '@/lib/dml/schema';
import { UnauthorizedError, ValidationError } from '@/lib/errors';
import { errorResponse } from '@/app/api/respond';

/**
 * Browser upload of one artifact into a draft release. The body is the raw file, streamed into
 * the DML (never buffered); metadata travels in headers so the body can be the file itself.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const actor = await currentActor();
    if (!actor) throw new UnauthorizedError('Sign in first.');
    const { id } = await params;
    if (!z.uuid().safeParse(id).success) throw new ValidationError('No such release.', 'release');
    const input = artifactInput.parse({
      platform: request.headers.get('x-platform') ?? undefined,
      fileName: decodeHeader(request.headers.get('x-file-name')),
      mediaType: request.headers.get('content-type') || undefined,
      expectedSha256: request.headers.get('x-checksum-sha256') || undefined,
    });
    if (!request.body) throw new ValidationError('The request has no file in its body.', 'file');
    const artifact = await ingestArtifact({ kind: 'user', actor }, id, input, Readable.fromWeb(request.body as NodeWebStream));
    return Response.json(artifact, { status: artifact.created ? 201 : 200 });
  } catch (e) {
    return errorResponse(e);
  }
}

/** File names travel percent-encoded so any Unicode name survives an HTTP header. */
function decodeHeader(value: string | null): string | undefined {
  if (value === null) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
