import { json, readJson, respond } from '@/app/api/respond';
import { authenticateSupplier } from '@/lib/suppliers/credentials';
import { withIdempotencyKey } from '@/lib/suppliers/http';
import { reportInput } from '@/lib/suppliers/schema';
import { reportDeployments } from '@/lib/suppliers/report';

/** Records a batch of per-item outcomes, all or nothing (201; 200 when every item was a replay). */
export async function POST(request: Request) {
  return respond(async () => {
    const p = await authenticateSupplier(request.headers.get('authorization'));
    const results = await reportDeployments(p, reportInput.parse(withIdempotencyKey(request, await readJson(request))));
    return json({ results }, results.every((r) => r.replayed) ? 200 : 201);
  });
}
