import { json, respond } from '@/app/api/respond';
import { listPulls } from '@/lib/devices/pulls';
import { authenticateDevice } from '@/lib/devices/service';

/** What this device may pull now, one item per entitlement. */
export async function GET(request: Request) {
  return respond(async () => {
    const device = await authenticateDevice(request.headers.get('authorization'));
    return json({ items: await listPulls(device.deviceId) });
  });
}
