import Link from 'next/link';

/** A used, expired or stale link: said plainly, and nothing was decided. */
export default function ApprovalLinkGone() {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <h1 className="text-2xl font-semibold">This approval link can no longer be used</h1>
      <p className="mt-3 text-slate-700">
        It was already used, it has expired, or the request no longer waits on you (someone decided it, or it was withdrawn). Nothing was
        decided by opening it.
      </p>
      <Link
        href="/approvals"
        className="mt-6 inline-block rounded-md bg-indigo-700 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-800"
      >
        Open your approvals
      </Link>
    </main>
  );
}
