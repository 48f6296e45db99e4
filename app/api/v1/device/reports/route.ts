import { BadRequestError, json, respond } from '@/app/api/respond';
import { reportsInput } from '@/lib/devices/schema';
import { authenticateDevice } from '@/lib/devices/service';
import { recordInstallEvents } from '@/lib/installs/record';

// A batch may hold 100 events with 8,000-character error texts each: more than readJson's 64 KiB.
const MAX_REPORT_BYTES = 4 * 1024 * 1024;

async function readReports(request: Request): Promise<unknown> {
  const tooLarge = () => new BadRequestError(`A report batch is at most ${MAX_REPORT_BYTES} bytes; send fewer events at a time.`, 'body');
  if (Number(request.headers.get('content-length') ?? 0) > MAX_REPORT_BYTES) throw tooLarge();
  const text = await request.text();
  if (text.length > MAX_REPORT_BYTES) throw tooLarge();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError('The request body is not valid JSON.', 'body');
  }
}

/** Install reports: recorded all or nothing (403 if any names an artifact the device is not entitled to). */
export async function POST(request: Request) {
  return respond(async () => {
    const device = await authenticateDevice(request.headers.get('authorization'));
    const { events } = reportsInput.parse(await readReports(request));
    return json(await recordInstallEvents(device, events));
  });
}
