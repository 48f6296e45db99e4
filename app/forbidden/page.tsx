import type { Metadata } from 'next';
import Forbidden from '../forbidden';

export const metadata: Metadata = { title: 'No access' };

/** Target of the proxy's 403 rewrite. */
export default Forbidden;
