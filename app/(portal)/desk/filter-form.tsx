import { installEventTypeValues } from '@/db/schema';
import { outcomeLabels } from '@/lib/installs/filters';
import { FilterBar } from '@/app/ui/filter-bar';
import { Field, inputClass } from '@/app/ui/form';

export type FilterValues = Partial<Record<'device' | 'user' | 'product' | 'version' | 'outcome' | 'reportedBy' | 'from' | 'to', string>>;

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
  // Field marks each input invalid and points it at its error.
  const input = (id: keyof FilterValues, extra: React.InputHTMLAttributes<HTMLInputElement>) => (
    <input id={id} name={id} defaultValue={values[id] ?? ''} className={inputClass} {...extra} />
  );
  return (
    <FilterBar action="/desk" label="Filter install records" formKey={JSON.stringify(values)} applyLabel="Filter" clearHref="/desk">
      <Field name="device" label="Device name contains" error={errors.device}>
        {input('device', { type: 'search', maxLength: 100, placeholder: 'e.g. LON-LT' })}
      </Field>
      <Field name="user" label="User (name or email) contains" error={errors.user}>
        {input('user', { type: 'search', maxLength: 320, placeholder: 'e.g. okafor' })}
      </Field>
      <Field name="product" label="Product" error={errors.product}>
        <select id="product" name="product" defaultValue={values.product ?? ''} className={inputClass}>
          <option value="">All products</option>
          {products.map((p) => (
            <option key={p.slug} value={p.slug}>
              {p.name}
            </option>
          ))}
        </select>
      </Field>
      <Field name="version" label="Version" error={errors.version}>
        {input('version', { maxLength: 100, placeholder: 'e.g. 141.0' })}
      </Field>
      <Field name="outcome" label="Outcome" error={errors.outcome}>
        <select id="outcome" name="outcome" defaultValue={values.outcome ?? ''} className={inputClass}>
          <option value="">All outcomes</option>
          {installEventTypeValues.map((t) => (
            <option key={t} value={t}>
              {outcomeLabels[t]}
            </option>
          ))}
        </select>
      </Field>
      <Field name="reportedBy" label="Reported by" error={errors.reportedBy}>
        <select id="reportedBy" name="reportedBy" defaultValue={values.reportedBy ?? ''} className={inputClass}>
          <option value="">Anyone</option>
          <option value="agent">Agent (verified)</option>
          <option value="owner">Owner (“I installed it”)</option>
        </select>
      </Field>
      <Field name="from" label="From (UTC day)" error={errors.from}>
        {input('from', { type: 'date' })}
      </Field>
      <Field name="to" label="To (UTC day, inclusive)" error={errors.to}>
        {input('to', { type: 'date' })}
      </Field>
    </FilterBar>
  );
}
