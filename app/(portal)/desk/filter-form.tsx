import Link from 'next/link';
import { installEventTypeValues } from '@/db/schema';
import { outcomeLabels } from '@/lib/installs/filters';
import { inputClass } from '@/app/ui/form';

export type FilterValues = Partial<Record<'device' | 'user' | 'product' | 'version' | 'outcome' | 'reportedBy' | 'from' | 'to', string>>;

function Labelled({ id, label, error, children }: { id: string; label: string; error?: string; children: React.ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-slate-600">
        {label}
      </label>
      {children}
      {error && (
        <p id={`${id}-error`} className="mt-1 text-xs text-red-700" data-testid={`error-${id}`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A plain GET form: every filtered view is a link that can be bookmarked or sent to a colleague. */
export function FilterForm({
  values,
  errors,
  products,
}: {
  values: FilterValues;
  errors: Partial<Record<keyof FilterValues, string>>;
  products: { slug: string; name: string }[];
}) {
  const input = (id: keyof FilterValues, extra: React.InputHTMLAttributes<HTMLInputElement>) => (
    <input
      id={id}
      name={id}
      defaultValue={values[id] ?? ''}
      aria-invalid={errors[id] ? true : undefined}
      aria-describedby={errors[id] ? `${id}-error` : undefined}
      className={inputClass}
      {...extra}
    />
  );
  return (
    <form
      method="get"
      action="/desk"
      role="search"
      aria-label="Filter install records"
      className="mt-6 grid gap-3 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4"
    >
      <Labelled id="device" label="Device name contains" error={errors.device}>
        {input('device', { type: 'search', maxLength: 100, placeholder: 'e.g. LON-LT' })}
      </Labelled>
      <Labelled id="user" label="User (name or email) contains" error={errors.user}>
        {input('user', { type: 'search', maxLength: 320, placeholder: 'e.g. okafor' })}
      </Labelled>
      <Labelled id="product" label="Product" error={errors.product}>
        <select id="product" name="product" defaultValue={values.product ?? ''} className={inputClass}>
          <option value="">All products</option>
          {products.map((p) => (
            <option key={p.slug} value={p.slug}>
              {p.name}
            </option>
          ))}
        </select>
      </Labelled>
      <Labelled id="version" label="Version" error={errors.version}>
        {input('version', { maxLength: 100, placeholder: 'e.g. 141.0' })}
      </Labelled>
      <Labelled id="outcome" label="Outcome" error={errors.outcome}>
        <select id="outcome" name="outcome" defaultValue={values.outcome ?? ''} className={inputClass}>
          <option value="">All outcomes</option>
          {installEventTypeValues.map((t) => (
            <option key={t} value={t}>
              {outcomeLabels[t]}
            </option>
          ))}
        </select>
      </Labelled>
      <Labelled id="reportedBy" label="Reported by" error={errors.reportedBy}>
        <select id="reportedBy" name="reportedBy" defaultValue={values.reportedBy ?? ''} className={inputClass}>
          <option value="">Anyone</option>
          <option value="agent">Agent (verified)</option>
          <option value="owner">Owner (“I installed it”)</option>
        </select>
      </Labelled>
      <Labelled id="from" label="From (UTC day)" error={errors.from}>
        {input('from', { type: 'date' })}
      </Labelled>
      <Labelled id="to" label="To (UTC day, inclusive)" error={errors.to}>
        {input('to', { type: 'date' })}
      </Labelled>
      <div className="flex items-end gap-2">
        <button type="submit" className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500">
          Filter
        </button>
        <Link href="/desk" className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50">
          Clear
        </Link>
      </div>
    </form>
  );
}
