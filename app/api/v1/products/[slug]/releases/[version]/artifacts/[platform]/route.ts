import { bodyChunks, decodeFileName, json, mediaTypeOf, respond } from '@/app/api/respond';
import { artifactHeaders, versionParam } from '@/lib/pipeline/schema';
import { putArtifact } from '@/lib/pipeline/service';
import { authenticatePipelineToken } from '@/lib/pipeline/tokens';

type Params = { slug: string; version: string; platform: string };

/**
 * Uploads one platform's file of a draft release: 201 when stored, 200 when these exact bytes are
 * already there. The body is streamed into the DML and checked against X-Checksum-SHA256.
 */
export async function PUT(request: Request, { params }: { params: Promise<Params> }) {
  return respond(async () => {
    const principal = await authenticatePipelineToken(request.headers.get('authorization'));
    const { slug, version, platform } = await params;
    const { version: v } = versionParam.parse({ version });
    const input = artifactHeaders.parse({
      platform,
      fileName: decodeFileName(request.headers.get('x-file-name')) ?? new URL(request.url).searchParams.get('fileName') ?? undefined,
      mediaType: mediaTypeOf(request.headers.get('content-type')),
      sha256: request.headers.get('x-checksum-sha256') ?? undefined,
      signature: request.headers.get('x-signature') ?? undefined,
    });
    const { artifact, created } = await putArtifact(principal, slug, v, input, bodyChunks(request.body));
    return json(artifact, created ? 201 : 200);
  });
}
