'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export function NavLinks({ links }: { links: { href: string; label: string }[] }) {
  // Null while a Pages Router route renders (pages/ exists for the download endpoint).
  const pathname = usePathname() ?? '';
  return (
    <ul className="flex gap-1 overflow-x-auto text-sm">
      {links.map((l) => {
        const active = pathname === l.href || pathname.startsWith(`${l.href}/`);
        return (
          <li key={l.href}>
            <Link
              href={l.href}
              aria-current={active ? 'page' : undefined}
              className={`block whitespace-nowrap rounded-md px-2.5 py-1.5 font-medium ${active ? 'bg-indigo-50 text-indigo-700' : 'text-slate-600 hover:bg-slate-100 hover:text-slate-900'}`}
            >
              {l.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
