'use client';

import { startTransition, useActionState, useState } from 'react';
import { Field, FormError, inputClass, submitKeepingInput } from '@/app/ui/form';
import { setPromotionPathAction } from './actions';

/**
 * A product's own promotion path: choose the product, then the environments in order, one per
 * step. Leaving every step blank returns the product to every environment by rank.
 */
export function PromotionPathForm({
  products,
  own,
  environments,
}: {
  products: { id: string; name: string }[];
  own: { productId: string; environments: string[] }[];
  environments: { key: string; name: string }[];
}) {
  const [state, action, pending] = useActionState(setPromotionPathAction, {});
  const pathOf = (productId: string) => own.find((o) => o.productId === productId)?.environments ?? [];
  const [productId, setProductId] = useState('');
  const [steps, setSteps] = useState<string[]>([]);
  const err = (f: string) => state.fieldErrors?.[f]?.[0];
  return (
    <form onSubmit={submitKeepingInput(action, startTransition)} noValidate className="space-y-3">
      <FormError state={state} />
      <Field label="Product" name="productId" error={err('productId')}>
        <select
          id="productId"
          name="productId"
          value={productId}
          onChange={(e) => {
            setProductId(e.target.value);
            setSteps(pathOf(e.target.value));
          }}
          className={inputClass}
        >
          <option value="">Choose a product</option>
          {products.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </Field>
      <fieldset aria-describedby={err('environments') ? 'environments-error' : undefined}>
        <legend className="text-sm font-medium text-slate-700">Environments in order (blank steps are skipped)</legend>
        <div className="mt-1 grid gap-3 sm:grid-cols-3">
          {environments.map((_, i) => (
            <Field key={i} label={`Step ${i + 1}`} name={`step-${i + 1}`}>
              <select
                id={`step-${i + 1}`}
                name="step"
                value={steps[i] ?? ''}
                onChange={(e) => setSteps((s) => Object.assign([...s], { [i]: e.target.value }))}
                className={inputClass}
              >
                <option value="">—</option>
                {environments.map((env) => (
                  <option key={env.key} value={env.key}>
                    {env.name}
                  </option>
                ))}
              </select>
            </Field>
          ))}
        </div>
        {err('environments') && (
          <p id="environments-error" className="mt-1 text-sm text-red-700" data-testid="error-environments">
            {err('environments')}
          </p>
        )}
      </fieldset>
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-60"
      >
        Save path
      </button>
    </form>
  );
}
