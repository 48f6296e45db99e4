/**
 * The portal's plain data table: a header row, body rows, and a message when there are none. It
 * scrolls sideways on a phone, so it is a named region keyboard users can focus to scroll.
 */
export function Table({
  label,
  head,
  empty,
  children,
}: {
  label: string;
  head: React.ReactNode[];
  empty?: string | false;
  children: React.ReactNode;
}) {
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white" role="region" aria-label={label} tabIndex={0}>
      <table className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase text-slate-500">
          <tr>
            {head.map((h, i) => (
              <th key={i} scope="col" className="px-4 py-2 font-medium">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
      {empty && <p className="px-4 py-10 text-center text-slate-600">{empty}</p>}
    </div>
  );
}

export const cellClass = 'px-4 py-2 align-top';
