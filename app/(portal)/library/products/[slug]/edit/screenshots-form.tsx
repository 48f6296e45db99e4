'use client';

import { useActionState } from 'react';
import { Field, FormError, inputClass, summaryOf } from '@/app/ui/form';
import type { ScreenshotView } from '@/lib/catalogue/screenshots';
import { addScreenshotAction, changeScreenshotAction } from '../../actions';

const smallButton = 'rounded-md border border-slate-300 px-2.5 py-1 text-sm font-medium hover:bg-slate-50 disabled:opacity-50';

/** The product's screenshots in page order, with move and remove, and a form to add one. */
export function ScreenshotsForm({ productId, screenshots, max }: { productId: string; screenshots: ScreenshotView[]; max: number }) {
  const [added, add, adding] = useActionState(addScreenshotAction.bind(null, productId), {});
  const [changed, change, changing] = useActionState(changeScreenshotAction, {});
  return (
    <section aria-labelledby="screenshots-heading" className="space-y-4">
      <h2 id="screenshots-heading" className="text-lg font-semibold">
        Screenshots
      </h2>
      <FormError state={changed} />
      {screenshots.length === 0 ? (
        <p className="text-sm text-slate-600">No screenshots yet.</p>
      ) : (
        <ol className="space-y-3" data-testid="screenshot-list">
          {screenshots.map((s, i) => (
            <li key={s.id} className="flex flex-wrap items-center gap-3 rounded-lg border border-slate-200 p-2">
              {/* eslint-disable-next-line @next/next/no-img-element -- served from the DML by hash */}
              <img src={s.src} alt="" className="h-16 w-28 rounded object-cover" />
              <p className="min-w-0 flex-1 text-sm">{s.altText}</p>
              <form action={change} className="flex gap-2">
                <input type="hidden" name="screenshotId" value={s.id} />
                <button type="submit" name="op" value="up" className={smallButton} disabled={changing || i === 0}>
                  Move up<span className="sr-only">: {s.altText}</span>
                </button>
                <button type="submit" name="op" value="down" className={smallButton} disabled={changing || i === screenshots.length - 1}>
                  Move down<span className="sr-only">: {s.altText}</span>
                </button>
                <button type="submit" name="op" value="remove" className={`${smallButton} text-red-700`} disabled={changing}>
                  Remove<span className="sr-only">: {s.altText}</span>
                </button>
              </form>
            </li>
          ))}
        </ol>
      )}
      {screenshots.length < max ? (
        <form action={add} className="space-y-3" aria-label="Add a screenshot">
          <FormError state={summaryOf(added, ['screenshot', 'altText'])} />
          <Field label="Screenshot" name="screenshot" hint="PNG, JPEG or WebP, up to 2 MiB." error={added.fieldErrors?.screenshot?.[0]}>
            <input id="screenshot" name="screenshot" type="file" accept="image/png,image/jpeg,image/webp" className="mt-1 block text-sm" />
          </Field>
          <Field
            label="Description (alt text)"
            name="altText"
            hint="What the picture shows, for people who cannot see it."
            error={added.fieldErrors?.altText?.[0]}
          >
            <input id="altText" name="altText" type="text" required maxLength={200} className={inputClass} />
          </Field>
          <button
            type="submit"
            disabled={adding}
            className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500"
          >
            {adding ? 'Uploading…' : 'Add screenshot'}
          </button>
        </form>
      ) : (
        <p className="text-sm text-slate-600">This product has the most screenshots it can have ({max}); remove one to add another.</p>
      )}
    </section>
  );
}
