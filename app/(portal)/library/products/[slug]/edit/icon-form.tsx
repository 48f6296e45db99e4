'use client';

import { useActionState } from 'react';
import { FormError } from '@/app/ui/form';
import { ProductIcon } from '@/app/ui/product-icon';
import { uploadIconAction } from '../../actions';

export function IconForm({ productId, slug, name, icon }: { productId: string; slug: string; name: string; icon: string | null }) {
  const [state, action, pending] = useActionState(uploadIconAction.bind(null, productId), {});
  return (
    <form action={action} className="flex flex-wrap items-center gap-4">
      <ProductIcon name={name} slug={slug} icon={icon} size="lg" />
      <div className="space-y-2">
        <label htmlFor="icon" className="block text-sm font-medium text-slate-700">
          Icon (PNG, JPEG, WebP or SVG, up to 256 KiB)
        </label>
        <input id="icon" name="icon" type="file" accept="image/png,image/jpeg,image/webp,image/svg+xml" className="text-sm" />
        <button
          type="submit"
          disabled={pending}
          className="ml-2 rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
        >
          {pending ? 'Uploading…' : 'Upload icon'}
        </button>
      </div>
      <div className="w-full">
        <FormError state={state} />
      </div>
    </form>
  );
}
