import { json, respond } from '@/app/api/respond';
import { authenticatePipelineToken } from '@/lib/pipeline/tokens';
import { deployToFirstRing } from '@/lib/rings/delivery';

/**
 * Continuous delivery: deploys a published release to the product's first ring. 201 when this
 * call created the deployment, 200 with the same deployment when the release was deployed before.
 */
export async function POST(request: Request, { params }: { params: Promise<{ slug: string; version: string }> }) {
  return respond(async () => {
    const principal = await authenticatePipelineToken(request.headers.get('authorization'));
    const { slug, version } = await params;
    const result = await deployToFirstRing(principal, slug, version);
    return json(result, result.created ? 201 : 200);
  });
}
