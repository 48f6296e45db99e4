import Link from 'next/link';

/** "Area / this page" above a page's heading: the way back up, and where you are for screen readers. */
export function Breadcrumb({ parent, current }: { parent: { href: string; label: React.ReactNode }; current: React.ReactNode }) {
  return (
    <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
      <Link href={parent.href} className="hover:underline">
        {parent.label}
      </Link>{' '}
      / <span aria-current="page">{current}</span>
    </nav>
  );
}
