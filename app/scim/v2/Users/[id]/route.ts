import { readScimBody, scimJson, scimRespond } from '@/app/scim/respond';
import { deleteScimUser, getScimUser, patchScimUser, replaceScimUser } from '@/lib/scim/users';

type Params = { params: Promise<{ id: string }> };

export async function GET(request: Request, { params }: Params) {
  return scimRespond(request, async () => scimJson(await getScimUser((await params).id)));
}

export async function PUT(request: Request, { params }: Params) {
  return scimRespond(request, async () => scimJson(await replaceScimUser((await params).id, await readScimBody(request))));
}

export async function PATCH(request: Request, { params }: Params) {
  return scimRespond(request, async () => scimJson(await patchScimUser((await params).id, await readScimBody(request))));
}

export async function DELETE(request: Request, { params }: Params) {
  return scimRespond(request, async () => {
    await deleteScimUser((await params).id);
    return scimJson(undefined, 204);
  });
}
