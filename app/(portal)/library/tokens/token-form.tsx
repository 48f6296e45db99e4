'use client';

import { useActionState, useState, useTransition } from 'react';
import { Field, FieldError, inputClass } from '@/app/ui/form';
import { createTokenAction, revokeTokenAction, type CreateTokenState } from './actions';

function NewSecret({ name, secret }: { name: string; secret: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div role="status" className="rounded-md border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-900">
      <p className="font-medium">Token “{name}” created.</p>
      <p className="mt-1">Copy it now and store it in your pipeline’s secret store: it is shown only this once.</p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <code
          data-testid="token-secret"
          className="select-all break-all rounded bg-white px-2 py-1 font-mono text-xs ring-1 ring-emerald-200"
        >
          {secret}
        </code>
        <button
          type="button"
          onClick={() => navigator.clipboard.writeText(secret).then(() => setCopied(true))}
          className="rounded-md border border-emerald-300 bg-white px-3 py-1 font-medium hover:bg-emerald-100"
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}

export function CreateTokenForm({ products }: { products: { id: string; name: string }[] }) {
  const [state, dispatch] = useActionState<CreateTokenState, FormData>(createTokenAction, {});
  const [pending, startTransition] = useTransition();
  const errors = state.fieldErrors ?? {};
  // Submitting through a transition (not the form's action) keeps what was typed when there are
  // errors; after a success the form is remounted (new key) and so starts empty.
  const onSubmit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    startTransition(() => dispatch(form));
  };
  return (
    <div className="space-y-4">
      {state.created && <NewSecret {...state.created} />}
      <form key={state.created?.secret ?? 'new'} onSubmit={onSubmit} noValidate className="space-y-4">
        {state.error && (
          <p role="alert" data-testid="form-error" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {state.error}
          </p>
        )}
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Name" name="token-name" error={errors.name}>
            <input id="token-name" name="name" maxLength={100} placeholder="e.g. git release pipeline" className={inputClass} />
          </Field>
          <Field
            label="Expires on (optional)"
            name="token-expires"
            error={errors.expiresAt}
            hint="The token stops working at the start of this day (UTC). Leave empty for no expiry."
          >
            <input id="token-expires" name="expiresAt" type="date" className={inputClass} />
          </Field>
        </div>
        <fieldset aria-describedby={errors.productIds ? 'token-products-error' : undefined}>
          <legend className="text-sm font-medium text-slate-700">Products it may publish</legend>
          <div className="mt-1 grid max-h-56 gap-x-4 gap-y-1 overflow-y-auto rounded-md border border-slate-300 p-3 text-sm sm:grid-cols-2 lg:grid-cols-3">
            {products.map((p) => (
              <label key={p.id} className="flex items-center gap-2">
                <input type="checkbox" name="productIds" value={p.id} className="h-4 w-4 rounded border-slate-300" />
                {p.name}
              </label>
            ))}
          </div>
          <FieldError id="token-products-error" message={errors.productIds} />
        </fieldset>
        <button
          type="submit"
          disabled={pending}
          className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white shadow-sm hover:bg-indigo-500 disabled:opacity-60"
        >
          {pending ? 'Creating…' : 'Create token'}
        </button>
      </form>
    </div>
  );
}

/** Revoking is immediate and final, so it takes a second, explicit click. */
export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  const [confirming, setConfirming] = useState(false);
  const [state, action, pending] = useActionState<{ error?: string }, FormData>(revokeTokenAction, {});
  if (!confirming) {
    return (
      <button
        type="button"
        onClick={() => setConfirming(true)}
        className="rounded-md border border-slate-300 px-2 py-1 text-xs font-medium hover:bg-slate-50"
      >
        Revoke
      </button>
    );
  }
  return (
    <form action={action} className="flex flex-wrap items-center gap-2 text-xs">
      <input type="hidden" name="id" value={id} />
      <span>Revoke “{name}”? Pipelines using it stop at once.</span>
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-red-600 px-2 py-1 font-medium text-white hover:bg-red-500 disabled:opacity-60"
      >
        {pending ? 'Revoking…' : 'Yes, revoke'}
      </button>
      <button
        type="button"
        onClick={() => setConfirming(false)}
        className="rounded-md border border-slate-300 px-2 py-1 font-medium hover:bg-slate-50"
      >
        Cancel
      </button>
      {state.error && (
        <span role="alert" className="text-red-700">
          {state.error}
        </span>
      )}
    </form>
  );
}
