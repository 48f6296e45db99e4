import { json, readJson, respond } from '@/app/api/respond';
import { enrolInput } from '@/lib/devices/schema';
import { clientAddress } from '@/lib/auth/client-address';
import { enrolDevice } from '@/lib/devices/service';

/** The agent trades a one-time enrolment code for its device token (201; shown only in this answer); 429 when guessing. */
export async function POST(request: Request) {
  return respond(async () => {
    const input = enrolInput.parse(await readJson(request));
    return json(await enrolDevice(input, { address: clientAddress(request.headers) }), 201);
  });
}
