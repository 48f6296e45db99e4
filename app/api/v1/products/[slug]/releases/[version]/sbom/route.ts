import { json, respond } from '@/app/api/respond';
import { readDocumentBody } from '@/app/api/release-document';
import { putReleaseDocument } from '@/lib/pipeline/service';
import { authenticatePipelineToken } from '@/lib/pipeline/tokens';

/** Attaches the release's SBOM (CycloneDX or SPDX JSON). */
export async function PUT(request: Request, { params }: { params: Promise<{ slug: string; version: string }> }) {
  return respond(async () => {
    const principal = await authenticatePipelineToken(request.headers.get('authorization'));
    const { slug, version } = await params;
    const result = await putReleaseDocument(principal, slug, version, 'sbom', await readDocumentBody(request, 'sbom'));
    return json(result, 200);
  });
}
