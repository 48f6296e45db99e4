import { json, readJson, respond } from '@/app/api/respond';
import { checkIn } from '@/lib/devices/pulls';
import { checkInInput } from '@/lib/devices/schema';
import { authenticateDevice } from '@/lib/devices/service';
import { metrics } from '@/lib/ops/metrics';

/** The agent's periodic call: stores its version and answers with what the device should pull. */
export async function POST(request: Request) {
  return respond(async () => {
    // Authenticate before reading the body: a caller without a token learns nothing about the input rules.
    const device = await authenticateDevice(request.headers.get('authorization'));
    const input = checkInInput.parse(await readJson(request));
    return json(await checkIn(device, input));
  }).then((response) => {
    metrics().checkIns.inc({ outcome: response.ok ? 'ok' : 'error' });
    return response;
  });
}
