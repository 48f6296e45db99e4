import { text } from '@/lib/text';

const header = text().trim().min(1).max(200);

/** The Idempotency-Key header (if any) as the body's idempotencyKey, unless the body names one itself. */
export function withIdempotencyKey<T>(request: Request, body: T): T {
  const key = header.safeParse(request.headers.get('idempotency-key') ?? '');
  if (!key.success || typeof body !== 'object' || body === null || 'idempotencyKey' in body) return body;
  return { ...body, idempotencyKey: key.data };
}
