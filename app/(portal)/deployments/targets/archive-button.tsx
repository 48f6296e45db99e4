'use client';

import { useTransition, useState } from 'react';
import { archiveTargetAction } from './actions';

export function ArchiveButton({ id, archived }: { id: string; archived: boolean }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string>();
  return (
    <span>
      <button
        type="button"
        disabled={pending}
        onClick={() => start(async () => setError((await archiveTargetAction(id, !archived)).error))}
        className="text-sm text-slate-700 underline hover:text-slate-900 disabled:opacity-60"
      >
        {archived ? 'Restore' : 'Archive'}
      </button>
      {error && <span className="ml-2 text-sm text-red-700">{error}</span>}
    </span>
  );
}
