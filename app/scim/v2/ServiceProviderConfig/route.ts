import { scimJson, scimRespond } from '@/app/scim/respond';
import { serviceProviderConfig } from '@/lib/scim/discovery';

export async function GET(request: Request) {
  return scimRespond(request, async () => scimJson(serviceProviderConfig()));
}
