import Link from 'next/link';

const links = [
  { href: '/deployments', label: 'Deployments' },
  { href: '/deployments/targets', label: 'Targets' },
  { href: '/deployments/calendar', label: 'Calendar' },
  { href: '/deployments/environments', label: 'Environments' },
];

/** The deployment area's own links, with the current one marked. */
export function DeploymentsNav({ current }: { current: string }) {
  return (
    <nav aria-label="Deployments" className="mb-6 flex flex-wrap gap-2 text-sm">
      {links.map((l) => (
        <Link
          key={l.href}
          href={l.href}
          aria-current={l.href === current ? 'page' : undefined}
          className="rounded-md px-3 py-1.5 text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-indigo-50 aria-[current=page]:font-medium aria-[current=page]:text-indigo-800"
        >
          {l.label}
        </Link>
      ))}
    </nav>
  );
}
