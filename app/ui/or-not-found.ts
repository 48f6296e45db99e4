import { notFound } from 'next/navigation';
import { NotFoundError } from '@/lib/errors';

/** A service's NotFoundError becomes the 404 page; any other error goes on to the error boundary. */
export async function orNotFound<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (e) {
    if (e instanceof NotFoundError) notFound();
    throw e;
  }
}
