import { json, readJson, respond } from '@/app/api/respond';
import { publishBody } from '@/lib/pipeline/schema';
import { publish } from '@/lib/pipeline/service';
import { authenticatePipelineToken } from '@/lib/pipeline/tokens';

/** Publishes a draft release; publishing it again with the same change reference is also 200. */
export async function POST(request: Request, { params }: { params: Promise<{ slug: string; version: string }> }) {
  return respond(async () => {
    const principal = await authenticatePipelineToken(request.headers.get('authorization'));
    const { slug, version } = await params;
    const input = publishBody.parse(await readJson(request));
    const { release } = await publish(principal, slug, version, input);
    return json(release, 200);
  });
}
