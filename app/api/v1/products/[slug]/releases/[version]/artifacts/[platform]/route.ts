import { bodyChunks, json, respond } from '@/app/api/v1/respond';
import { artifactHeaders, versionParam } from '@/lib/pipeline/schema';
import { putArtifact } from '@/lib/pipeline/service';
import { authenticatePipelineToken } from '@/lib/pipeline/tokens';
import { ValidationError } from '@/lib/errors';

type Params = { slug: string; version: string; platform: string };

/** Header values are Latin-1 only, so clients may percent-encode a UTF-8 file name. */
function decodeFileName(value: string | null): string | undefined {
  if (value === null) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The Content-Type without parameters; absent means application/octet-stream. */
function mediaTypeOf(contentType: string | null): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!type) return undefined;
  // curl's --data-binary labels bytes as a form unless told otherwise; storing that label would be wrong.
  if (type === 'application/x-www-form-urlencoded' || type.startsWith('multipart/')) {
    throw new ValidationError('Send the file itself as the request body (curl -T file), not as a form.', 'mediaType');
  }
  return type;
}

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
    });
    const { artifact, created } = await putArtifact(principal, slug, v, input, bodyChunks(request.body));
    return json(artifact, created ? 201 : 200);
  });
}
