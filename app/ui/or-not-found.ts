import { notFound } from 'next/navigation';
import { isDataException, NotFoundError } from '@/lib/errors';

/** A service's NotFoundError becomes the 404 page; any other error goes on to the error boundary. */
export async function orNotFound<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (e) {
    // A slug or id the database cannot even compare (a NUL byte, not a uuid) names nothing.
    if (e instanceof NotFoundError || isDataException(e)) notFound();
    throw e;
  }
}
