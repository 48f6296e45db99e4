import Link from 'next/link';

export const primaryButtonClass =
  'rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2';

/**
 * A list's filters as a plain GET form, so every filtered view is a link that can be bookmarked
 * or sent on: the fields (each a `Field`), then Apply and a way back to the unfiltered list.
 * Give it a `formKey` from the current filter so the fields show a followed link's values (the
 * page stays mounted between links). The fields stack on a phone; `columns` sets the grid above.
 */
export function FilterBar({
  action,
  label,
  formKey,
  columns = 'sm:grid-cols-2 lg:grid-cols-4',
  applyLabel = 'Apply',
  clearHref,
  clearLabel = 'Clear',
  extra,
  actions = 'inline',
  children,
}: {
  action: string;
  /** Accessible name of the search landmark. */
  label: string;
  formKey?: string;
  columns?: string;
  applyLabel?: string;
  /** Shown only when given: pass it only when something is filtered. */
  clearHref?: string | false;
  clearLabel?: string;
  /** More links beside the buttons (an export of what is shown, say). */
  extra?: React.ReactNode;
  /** `inline`: the buttons take the grid's next cell; `below`: a row of their own, for a bar with links beside them. */
  actions?: 'inline' | 'below';
  children: React.ReactNode;
}) {
  const buttons = (
    <div className={`flex flex-wrap gap-3 ${actions === 'inline' ? 'items-end' : 'mt-4 items-center'}`}>
      <button type="submit" className={primaryButtonClass}>
        {applyLabel}
      </button>
      {clearHref && (
        <Link
          href={clearHref}
          className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
        >
          {clearLabel}
        </Link>
      )}
      {extra}
    </div>
  );
  return (
    <form
      key={formKey}
      method="get"
      action={action}
      role="search"
      aria-label={label}
      className="mt-6 rounded-xl border border-slate-200 bg-white p-4"
    >
      <div className={`grid gap-3 ${columns}`}>
        {children}
        {actions === 'inline' && buttons}
      </div>
      {actions === 'below' && buttons}
    </form>
  );
}
