import { json, readJson, respond } from '@/app/api/respond';
import { releaseBody } from '@/lib/pipeline/schema';
import { ensureRelease } from '@/lib/pipeline/service';
import { authenticatePipelineToken } from '@/lib/pipeline/tokens';

/** Creates a draft release (201), or returns the one that already has this version (200). */
export async function POST(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  return respond(async () => {
    const principal = await authenticatePipelineToken(request.headers.get('authorization'));
    const { slug } = await params;
    const input = releaseBody.parse(await readJson(request));
    const { release, created } = await ensureRelease(principal, slug, input);
    return json(release, created ? 201 : 200);
  });
}
