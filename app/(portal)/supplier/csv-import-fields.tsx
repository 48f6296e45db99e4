import { Field, inputClass } from '@/app/ui/form';

/** The two ways to give an import its CSV (read by csvOf): a file, or pasted text. */
export function CsvImportFields({ idPrefix = '' }: { idPrefix?: string }) {
  return (
    <>
      <Field label="CSV file" name={`${idPrefix}file`}>
        <input id={`${idPrefix}file`} name="file" type="file" accept=".csv,text/csv" className={inputClass} />
      </Field>
      <Field label="…or paste the CSV" name={`${idPrefix}csv`}>
        <textarea id={`${idPrefix}csv`} name="csv" rows={4} className={`${inputClass} font-mono`} />
      </Field>
    </>
  );
}
