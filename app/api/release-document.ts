import { ValidationError } from '@/lib/errors';
import { MAX_DOCUMENT_BYTES } from '@/lib/trust/documents';

/** A JSON document body (SBOM, provenance), read whole: they are small and parsed in full anyway. */
export async function readDocumentBody(request: Request, field: string): Promise<Buffer> {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_DOCUMENT_BYTES)
    throw new ValidationError(`The ${field} is larger than 5 MB.`, field);
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length === 0) throw new ValidationError(`Send the ${field} JSON as the request body.`, field);
  return bytes;
}
