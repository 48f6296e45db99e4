import { redirect } from 'next/navigation';
import { isOutsider } from '@/lib/auth/areas';
import { currentActor } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

export default async function Home() {
  const actor = await currentActor();
  redirect(actor && isOutsider(actor.roles) ? '/supplier' : '/catalogue');
}
