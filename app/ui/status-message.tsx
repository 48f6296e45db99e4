import Link from 'next/link';

/**
 * The body of the 404 and 403 pages. It has no landmark of its own: inside the portal it sits in
 * the layout's <main> (with the navigation around it); outside, the root page wraps it in one.
 */
export function StatusMessage({ code, title, children }: { code: 403 | 404; title: string; children: React.ReactNode }) {
  return (
    <div className="mx-auto max-w-lg px-2 py-16 text-center sm:py-24" data-testid={`status-${code}`}>
      <p className="text-sm font-semibold text-indigo-700">{code}</p>
      <h1 className="mt-2 text-2xl font-semibold">{title}</h1>
      <p className="mt-3 text-slate-600">{children}</p>
      <Link
        href="/catalogue"
        className="mt-6 inline-block rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500"
      >
        Back to the catalogue
      </Link>
    </div>
  );
}

export const NotFoundMessage = () => (
  <StatusMessage code={404} title="Nothing here">
    This page doesn’t exist, or it isn’t available to you.
  </StatusMessage>
);

export const ForbiddenMessage = () => (
  <StatusMessage code={403} title="You don’t have access to this page">
    Your roles don’t include this area of the portal. If you need it, ask an administrator.
  </StatusMessage>
);
