import { json, readJson, respond } from '@/app/api/respond';
import { postponeAssignment } from '@/lib/deployments/postpone';
import { devicePostponeInput } from '@/lib/deployments/schema';
import { authenticateDevice } from '@/lib/devices/service';

/** The agent postpones one of this device's required assignments (never past its deadline). */
export async function POST(request: Request) {
  return respond(async () => {
    const device = await authenticateDevice(request.headers.get('authorization'));
    const input = devicePostponeInput.parse(await readJson(request));
    const { postponedUntil } = await postponeAssignment(
      { kind: 'device', deviceId: device.deviceId, ownerId: device.ownerId },
      { deploymentId: input.deploymentId, deviceId: device.deviceId, until: input.until },
    );
    return json({ deploymentId: input.deploymentId, postponedUntil: postponedUntil.toISOString() });
  });
}
