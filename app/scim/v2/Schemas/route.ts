import { scimJson, scimRespond } from '@/app/scim/respond';
import { listSchemas } from '@/lib/scim/discovery';

export async function GET(request: Request) {
  return scimRespond(request, async () => scimJson(listSchemas()));
}
