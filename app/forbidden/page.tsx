import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';

export const metadata: Metadata = { title: 'No access' };

/** Target of the proxy's rewrite for a role that does not reach an area: renders the 403 page with its status. */
export default function ForbiddenRoute() {
  forbidden();
}
