import { readScimBody, scimJson, scimRespond } from '@/app/scim/respond';
import { pageOf } from '@/lib/scim/filter';
import { createScimGroup, listScimGroups } from '@/lib/scim/groups';

export async function GET(request: Request) {
  return scimRespond(request, async () => {
    const params = new URL(request.url).searchParams;
    return scimJson(await listScimGroups({ filter: params.get('filter') ?? undefined, ...pageOf(params) }));
  });
}

export async function POST(request: Request) {
  return scimRespond(request, async () => {
    const group = await createScimGroup(await readScimBody(request));
    return scimJson(group, 201, { Location: group.meta.location });
  });
}
