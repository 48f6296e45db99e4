import { getDb } from '@/db';
import { json, respond } from '@/app/api/respond';
import { authenticateSupplier } from '@/lib/suppliers/credentials';
import { listScope } from '@/lib/suppliers/scope';

/** The items (devices) this supplier may announce and report on. */
export async function GET(request: Request) {
  return respond(async () => {
    const p = await authenticateSupplier(request.headers.get('authorization'));
    return json({ items: await listScope(getDb(), p.supplierId) });
  });
}
