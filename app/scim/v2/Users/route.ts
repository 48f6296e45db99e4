import { readScimBody, scimJson, scimRespond } from '@/app/scim/respond';
import { pageOf } from '@/lib/scim/filter';
import { createScimUser, listScimUsers } from '@/lib/scim/users';

export async function GET(request: Request) {
  return scimRespond(request, async () => {
    const params = new URL(request.url).searchParams;
    return scimJson(await listScimUsers({ filter: params.get('filter') ?? undefined, ...pageOf(params) }));
  });
}

export async function POST(request: Request) {
  return scimRespond(request, async () => {
    const user = await createScimUser(await readScimBody(request));
    return scimJson(user, 201, { Location: user.meta.location });
  });
}
