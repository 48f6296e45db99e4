import Link from 'next/link';

/** The browser is signed in as someone other than the approver the link was sent to. */
export default function ApprovalLinkForSomeoneElse() {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <h1 className="text-2xl font-semibold">This link was sent to another approver</h1>
      <p className="mt-3 text-slate-700">
        You are signed in as someone else, so it cannot decide anything here. Sign out and open the link again, or decide from your own
        approvals.
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
