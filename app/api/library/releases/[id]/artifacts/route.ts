import { z } from 'zod';
import { bodyChunks, decodeFileName, json, mediaTypeOf, respond } from '@/app/api/respond';
import { currentActor } from '@/lib/auth/session';
import { ingestArtifact } from '@/lib/dml/ingest';
import { artifactInput } from '@/lib/dml/schema';
import { UnauthorizedError, ValidationError } from '@/lib/errors';

/**
 * Browser upload of one artifact into a draft release. The body is the raw file, streamed into
 * the DML (never buffered); metadata travels in headers so the body can be the file itself.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return respond(async () => {
    const actor = await currentActor();
    if (!actor) throw new UnauthorizedError('Sign in first.');
    const { id } = await params;
    if (!z.uuid().safeParse(id).success) throw new ValidationError('No such release.', 'release');
    const input = artifactInput.parse({
      platform: request.headers.get('x-platform') ?? undefined,
      fileName: decodeFileName(request.headers.get('x-file-name')),
      mediaType: mediaTypeOf(request.headers.get('content-type')),
      expectedSha256: request.headers.get('x-checksum-sha256') || undefined,
      signature: request.headers.get('x-signature') || undefined,
    });
    if (!request.body) throw new ValidationError('The request has no file in its body.', 'file');
    const artifact = await ingestArtifact({ kind: 'user', actor }, id, input, bodyChunks(request.body));
    return json(artifact, artifact.created ? 201 : 200);
  });
}
