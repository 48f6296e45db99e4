import Link from 'next/link';
import { isValidElement } from 'react';

/** A header cell that needs a class of its own (hidden on a phone, a narrow checkbox column). */
export interface HeadCell {
  label: React.ReactNode;
  className?: string;
}

const isHeadCell = (h: unknown): h is HeadCell => typeof h === 'object' && h !== null && !isValidElement(h) && 'label' in h;

const looks = {
  /** A list on its own: a bordered white card with a shaded header. */
  card: {
    box: 'rounded-xl border border-slate-200 bg-white',
    head: 'border-b border-slate-200 bg-slate-50 text-xs uppercase text-slate-500',
    th: 'px-4 py-2 font-medium',
  },
  /** A small list inside a card that already has its border. */
  inset: { box: '', head: 'text-xs uppercase text-slate-500', th: 'py-1 pr-4 font-medium' },
};

/**
 * The portal's plain data table: a header row, body rows, a message when there are none and,
 * for a long list, a keyset pager under it. It scrolls sideways on a phone, so it is a named
 * region keyboard users can focus to scroll. A header given as '' is an unlabelled action
 * column: it still gets a name for screen readers.
 */
export function Table({
  label,
  labelledBy,
  head,
  empty,
  emptyTestId,
  pager,
  look = 'card',
  testId,
  rowGroups = false,
  className = '',
  children,
}: {
  /** The region's accessible name; or `labelledBy`, the id of a heading that names it. */
  label?: string;
  labelledBy?: string;
  head: (React.ReactNode | HeadCell)[];
  empty?: React.ReactNode | false;
  emptyTestId?: string;
  pager?: React.ReactNode;
  look?: keyof typeof looks;
  /** On the <table> itself. */
  testId?: string;
  /** The children are <tbody> groups of their own (a row with its inline form under it), not rows. */
  rowGroups?: boolean;
  /** Spacing around the table (`mt-6`), never its look: that stays the same on every page. */
  className?: string;
  children: React.ReactNode;
}) {
  return (
    <>
      <div
        className={`overflow-x-auto focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 ${looks[look].box} ${className}`}
        role="region"
        aria-label={labelledBy ? undefined : label}
        aria-labelledby={labelledBy}
        tabIndex={0}
      >
        <table className="w-full text-left text-sm" data-testid={testId}>
          <thead className={looks[look].head}>
            <tr>
              {head.map((h, i) => {
                const cell = isHeadCell(h) ? h : { label: h };
                return (
                  <th key={i} scope="col" className={`${looks[look].th} ${cell.className ?? ''}`}>
                    {cell.label === '' ? <span className="sr-only">Actions</span> : cell.label}
                  </th>
                );
              })}
            </tr>
          </thead>
          {rowGroups ? children : <tbody>{children}</tbody>}
        </table>
        {empty && (
          <p className="px-4 py-10 text-center text-slate-600" data-testid={emptyTestId}>
            {empty}
          </p>
        )}
      </div>
      {pager}
    </>
  );
}

export const cellClass = 'px-4 py-2 align-top';
export const rowClass = 'border-t border-slate-100';
/** A cell of an `inset` table. */
export const insetCell = 'py-1.5 pr-4 align-top';

export const pagerLinkClass =
  'rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500';

/**
 * Links through a list read by keyset (a cursor from the last row shown), not by page number:
 * back to the newest rows, and on to older ones while there are any. Nothing when the list fits
 * on one page. `extra` holds further links a list offers (a "previous page" cursor, say).
 */
export function KeysetPager({
  newestHref,
  olderHref,
  newestLabel = '← Newest',
  olderLabel = 'Older →',
  newestTestId,
  olderTestId = 'older',
  extra,
}: {
  /** Where the first page is, when this is not it. */
  newestHref?: string | false | null;
  /** Where the rows after the last one shown are, when there are any. */
  olderHref?: string | false | null;
  newestLabel?: string;
  olderLabel?: string;
  newestTestId?: string;
  olderTestId?: string;
  extra?: React.ReactNode;
}) {
  if (!newestHref && !olderHref) return null;
  return (
    <nav aria-label="Pages" className="mt-6 flex flex-wrap items-center justify-between gap-3">
      <div className="flex flex-wrap gap-3">
        {newestHref && (
          <Link href={newestHref} className={pagerLinkClass} data-testid={newestTestId}>
            {newestLabel}
          </Link>
        )}
        {extra}
      </div>
      {olderHref && (
        <Link href={olderHref} className={pagerLinkClass} rel="next" data-testid={olderTestId}>
          {olderLabel}
        </Link>
      )}
    </nav>
  );
}
