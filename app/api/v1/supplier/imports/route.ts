import { json, respond } from '@/app/api/respond';
import { ValidationError } from '@/lib/errors';
import { authenticateSupplier } from '@/lib/suppliers/credentials';
import { importWithCredential } from '@/lib/suppliers/import';

const MAX_CSV_BYTES = 2 * 1024 * 1024;

/** Records past deployments from a CSV body; any bad line refuses the file (422 with every line's error). */
export async function POST(request: Request) {
  return respond(async () => {
    const p = await authenticateSupplier(request.headers.get('authorization'));
    if (Number(request.headers.get('content-length') ?? 0) > MAX_CSV_BYTES)
      throw new ValidationError('The file is larger than 2 MB.', 'file');
    const csv = await request.text();
    if (csv.length > MAX_CSV_BYTES) throw new ValidationError('The file is larger than 2 MB.', 'file');
    const results = await importWithCredential(p, csv);
    return json({ results }, 201);
  });
}
