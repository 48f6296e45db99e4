import { json, readJson, respond } from '@/app/api/respond';
import { announceDeployment } from '@/lib/suppliers/announce';
import { authenticateSupplier } from '@/lib/suppliers/credentials';
import { withIdempotencyKey } from '@/lib/suppliers/http';
import { announceInput } from '@/lib/suppliers/schema';

/** Announces planned work (201), or answers the earlier one for a repeated Idempotency-Key (200). */
export async function POST(request: Request) {
  return respond(async () => {
    const p = await authenticateSupplier(request.headers.get('authorization'));
    const announcement = await announceDeployment(p, announceInput.parse(withIdempotencyKey(request, await readJson(request))));
    return json(announcement, announcement.replayed ? 200 : 201);
  });
}
