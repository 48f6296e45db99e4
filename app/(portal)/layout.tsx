import Link from 'next/link';
import { areas, mayEnter } from '@/lib/auth/areas';
import { roleLabels } from '@/lib/auth/roles';
import { requireActor } from '@/lib/auth/session';
import { RouteFocus } from '@/app/ui/route-focus';
import { NavLinks } from './nav-links';
import { NotificationBell } from './notification-bell';
import { signOutAction } from './sign-out';

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireActor();
  const links = areas.filter((a) => mayEnter(a, actor.roles)).map((a) => ({ href: a.href, label: a.label }));
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 sm:px-6">
          <Link href="/catalogue" className="flex items-center gap-2 font-semibold">
            {/* eslint-disable-next-line @next/next/no-img-element -- a static SVG needs no optimisation */}
            <img src="/icon.svg" alt="" className="h-7 w-7" />
            <span>Software Portal</span>
          </Link>
          <nav aria-label="Main" className="order-last w-full sm:order-none sm:w-auto">
            <NavLinks links={links} />
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <NotificationBell actor={actor} />
            <div className="text-right leading-tight">
              <div className="font-medium" data-testid="signed-in-user">
                {actor.name}
              </div>
              {/* Everyone is a requester; the header names only the roles that add something. */}
              <div className="text-xs text-slate-500">
                {actor.roles
                  .filter((r) => r !== 'requester')
                  .map((r) => roleLabels[r])
                  .join(' · ') || roleLabels.requester}
              </div>
            </div>
            <form action={signOutAction}>
              <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 font-medium hover:bg-slate-50">
                Sign out
              </button>
            </form>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-8 sm:px-6">
        {children}
      </main>
      <RouteFocus />
    </div>
  );
}
