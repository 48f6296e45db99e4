'use client';

import { startTransition, useActionState, useState } from 'react';
import type { ActionState } from '@/app/ui/action-state';
import { Field, FormError, inputClass, submitKeepingInput } from '@/app/ui/form';
import type { PolicyStageInput, ProductInput } from '@/lib/catalogue/product-schema';

type Action = (state: ActionState, form: FormData) => Promise<ActionState>;

const slugify = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);

export function ProductForm({
  action,
  initial,
  groups,
  categories,
  submitLabel,
}: {
  action: Action;
  initial?: Partial<ProductInput>;
  groups: { id: string; name: string }[];
  categories: string[];
  submitLabel: string;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  const [name, setName] = useState(initial?.name ?? '');
  const [slug, setSlug] = useState(initial?.slug ?? '');
  const [slugTouched, setSlugTouched] = useState(Boolean(initial?.slug));
  const [licence, setLicence] = useState(initial?.licenceModel ?? 'free');
  const [visibility, setVisibility] = useState(initial?.visibility ?? 'everyone');
  const [policy, setPolicy] = useState<PolicyStageInput[]>(initial?.policy ?? []);
  const err = (f: string) => state.fieldErrors?.[f]?.[0];
  const setStage = (i: number, s: PolicyStageInput) => setPolicy(policy.map((p, j) => (j === i ? s : p)));

  return (
    <form onSubmit={submitKeepingInput(formAction, startTransition)} noValidate className="space-y-6">
      <FormError state={state} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" name="name" error={err('name')}>
          <input
            id="name"
            name="name"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              if (!slugTouched) setSlug(slugify(e.target.value));
            }}
            className={inputClass}
            maxLength={120}
            required
          />
        </Field>
        <Field label="URL name" name="slug" error={err('slug')} hint="Used in links: /catalogue/your-name">
          <input
            id="slug"
            name="slug"
            value={slug}
            onChange={(e) => {
              setSlug(e.target.value);
              setSlugTouched(true);
            }}
            className={inputClass}
            maxLength={80}
            required
          />
        </Field>
        <Field label="Publisher" name="publisher" error={err('publisher')}>
          <input id="publisher" name="publisher" defaultValue={initial?.publisher} className={inputClass} maxLength={120} required />
        </Field>
        <Field label="Category" name="category" error={err('category')}>
          <input
            id="category"
            name="category"
            list="categories"
            defaultValue={initial?.category}
            className={inputClass}
            maxLength={60}
            required
          />
          <datalist id="categories">
            {categories.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </Field>
      </div>
      <Field label="Summary" name="summary" error={err('summary')} hint="One sentence shown on the catalogue card.">
        <input id="summary" name="summary" defaultValue={initial?.summary} className={inputClass} maxLength={200} />
      </Field>
      <Field label="Description" name="description" error={err('description')}>
        <textarea
          id="description"
          name="description"
          defaultValue={initial?.description}
          rows={5}
          className={inputClass}
          maxLength={10_000}
        />
      </Field>
      <Field label="Website" name="homepageUrl" error={err('homepageUrl')}>
        <input
          id="homepageUrl"
          name="homepageUrl"
          type="url"
          defaultValue={initial?.homepageUrl}
          className={inputClass}
          placeholder="https://"
        />
      </Field>

      <fieldset className="grid gap-4 rounded-lg border border-slate-200 p-4 sm:grid-cols-3">
        <legend className="px-1 text-sm font-semibold">Licence</legend>
        <Field label="Licence model" name="licenceModel" error={err('licenceModel')}>
          <select
            id="licenceModel"
            name="licenceModel"
            value={licence}
            onChange={(e) => setLicence(e.target.value as ProductInput['licenceModel'])}
            className={inputClass}
          >
            <option value="free">Free</option>
            <option value="open-source">Open source</option>
            <option value="per-seat">Per seat</option>
            <option value="site">Site licence</option>
          </select>
        </Field>
        <Field
          label="Seat limit"
          name="seatLimit"
          error={err('seatLimit')}
          hint={licence === 'per-seat' ? 'Required for per-seat licences.' : 'Optional.'}
        >
          <input id="seatLimit" name="seatLimit" type="number" min={1} defaultValue={initial?.seatLimit} className={inputClass} />
        </Field>
        <Field label="When no seat is free" name="seatExhausted" error={err('seatExhausted')}>
          <select id="seatExhausted" name="seatExhausted" defaultValue={initial?.seatExhausted ?? 'wait'} className={inputClass}>
            <option value="wait">Wait for a seat (first come, first served)</option>
            <option value="reject">Reject the request</option>
          </select>
        </Field>
      </fieldset>

      <fieldset className="space-y-3 rounded-lg border border-slate-200 p-4">
        <legend className="px-1 text-sm font-semibold">Who can see and request it</legend>
        <div className="flex flex-wrap gap-4 text-sm">
          {(['everyone', 'groups'] as const).map((v) => (
            <label key={v} className="flex items-center gap-2">
              <input type="radio" name="visibility" value={v} checked={visibility === v} onChange={() => setVisibility(v)} />
              {v === 'everyone' ? 'Everyone' : 'Only selected groups'}
            </label>
          ))}
        </div>
        {visibility === 'groups' && (
          <div className="flex flex-wrap gap-x-5 gap-y-2 text-sm" role="group" aria-label="Groups">
            {groups.map((g) => (
              <label key={g.id} className="flex items-center gap-2">
                <input type="checkbox" name="groupIds" value={g.id} defaultChecked={initial?.groupIds?.includes(g.id)} />
                {g.name}
              </label>
            ))}
          </div>
        )}
        {err('groupIds') && <p className="text-sm text-red-700">{err('groupIds')}</p>}
      </fieldset>

      <fieldset className="space-y-3 rounded-lg border border-slate-200 p-4">
        <legend className="px-1 text-sm font-semibold">Approval policy</legend>
        <p className="text-sm text-slate-600">
          {policy.length === 0
            ? 'No stages: requests are approved automatically.'
            : 'Stages run in order; a rejection at any stage ends the request.'}
        </p>
        <input type="hidden" name="policy" value={JSON.stringify(policy)} />
        <ol className="space-y-2">
          {policy.map((s, i) => (
            <li key={i} className="flex flex-wrap items-end gap-3 rounded-md bg-slate-50 p-3 text-sm">
              <span className="font-medium">Stage {i + 1}</span>
              <label className="flex flex-col">
                Approver
                <select
                  aria-label={`Stage ${i + 1} approver`}
                  value={s.kind === 'manager' ? 'manager' : s.groupId}
                  onChange={(e) =>
                    setStage(
                      i,
                      e.target.value === 'manager' ? { kind: 'manager' } : { kind: 'group', groupId: e.target.value, requiredApprovals: 1 },
                    )
                  }
                  className={inputClass}
                >
                  <option value="manager">The requester’s manager</option>
                  {groups.map((g) => (
                    <option key={g.id} value={g.id}>
                      Group: {g.name}
                    </option>
                  ))}
                </select>
              </label>
              {s.kind === 'group' && (
                <label className="flex flex-col">
                  Approvals needed
                  <input
                    aria-label={`Stage ${i + 1} approvals needed`}
                    type="number"
                    min={1}
                    max={20}
                    value={s.requiredApprovals}
                    onChange={(e) => setStage(i, { ...s, requiredApprovals: Number(e.target.value) || 1 })}
                    className={`${inputClass} w-24`}
                  />
                </label>
              )}
              <button
                type="button"
                onClick={() => setPolicy(policy.filter((_, j) => j !== i))}
                className="ml-auto text-red-700 hover:underline"
              >
                Remove
              </button>
            </li>
          ))}
        </ol>
        {err('policy') && <p className="text-sm text-red-700">{err('policy')}</p>}
        {policy.length < 5 && (
          <button
            type="button"
            onClick={() => setPolicy([...policy, { kind: 'manager' }])}
            className="text-sm font-medium text-indigo-700 hover:underline"
          >
            + Add a stage
          </button>
        )}
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Hours a stage may wait before the request expires" name="approvalTimeoutHours" error={err('approvalTimeoutHours')}>
            <input
              id="approvalTimeoutHours"
              name="approvalTimeoutHours"
              type="number"
              min={1}
              defaultValue={initial?.approvalTimeoutHours ?? 120}
              className={inputClass}
            />
          </Field>
          <Field label="Entitlement lasts (days)" name="entitlementDays" error={err('entitlementDays')} hint="Empty: until revoked.">
            <input
              id="entitlementDays"
              name="entitlementDays"
              type="number"
              min={1}
              defaultValue={initial?.entitlementDays}
              className={inputClass}
            />
          </Field>
        </div>
      </fieldset>

      <div className="space-y-2 text-sm">
        <label className="flex items-center gap-2">
          <input type="checkbox" name="requireChangeRef" defaultChecked={initial?.requireChangeRef} />
          Publishing a release needs a change-record reference
        </label>
        {initial && (
          <label className="flex items-center gap-2">
            <input type="checkbox" name="archived" defaultChecked={initial.archived} />
            Archived (hidden from the catalogue)
          </label>
        )}
      </div>

      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
      >
        {pending ? 'Saving…' : submitLabel}
      </button>
    </form>
  );
}
