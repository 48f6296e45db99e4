'use server';

import { auth, signOut } from '@/lib/auth/auth';
import { endSession } from '@/lib/auth/sessions';

/** Ends the session in the database first: a copy of the cookie kept elsewhere opens nothing after this. */
export async function signOutAction() {
  await endSession((await auth())?.user?.sid);
  await signOut({ redirectTo: '/sign-in' });
}
