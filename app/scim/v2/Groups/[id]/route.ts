import { readScimBody, scimJson, scimRespond } from '@/app/scim/respond';
import { deleteScimGroup, getScimGroup, patchScimGroup, replaceScimGroup } from '@/lib/scim/groups';

type Params = { params: Promise<{ id: string }> };

export async function GET(request: Request, { params }: Params) {
  return scimRespond(request, async () => scimJson(await getScimGroup((await params).id)));
}

export async function PUT(request: Request, { params }: Params) {
  return scimRespond(request, async () => scimJson(await replaceScimGroup((await params).id, await readScimBody(request))));
}

export async function PATCH(request: Request, { params }: Params) {
  return scimRespond(request, async () => scimJson(await patchScimGroup((await params).id, await readScimBody(request))));
}

export async function DELETE(request: Request, { params }: Params) {
  return scimRespond(request, async () => {
    await deleteScimGroup((await params).id);
    return scimJson(undefined, 204);
  });
}
