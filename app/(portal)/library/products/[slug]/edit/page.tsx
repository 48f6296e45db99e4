import type { Metadata } from 'next';
import { orNotFound } from '@/app/ui/or-not-found';
import Link from 'next/link';
import { requireArea } from '@/lib/auth/session';
import { listProductFormChoices } from '@/lib/catalogue/choices';
import { getEditableProduct } from '@/lib/catalogue/products';
import { updateProductAction } from '../../actions';
import { ProductForm } from '../../product-form';
import { SCREENSHOTS_PER_PRODUCT } from '@/lib/catalogue/product-schema';
import { listScreenshots } from '@/lib/catalogue/screenshots';
import { IconForm } from './icon-form';
import { ScreenshotsForm } from './screenshots-form';

export const metadata: Metadata = { title: 'Edit product' };

export default async function EditProductPage({ params }: { params: Promise<{ slug: string }> }) {
  const actor = await requireArea('/library');
  const { slug } = await params;
  const product = await orNotFound(getEditableProduct(actor, slug));
  const [choices, screenshots] = await Promise.all([listProductFormChoices(actor), listScreenshots(product.id, product.slug)]);
  return (
    <div className="max-w-3xl">
      <nav className="text-sm text-slate-500">
        <Link href="/library" className="hover:underline">
          Library
        </Link>{' '}
        /{' '}
        <Link href={`/library/products/${product.slug}`} className="hover:underline">
          {product.name}
        </Link>{' '}
        / Edit
      </nav>
      <h1 className="mt-2 text-2xl font-semibold">Edit {product.name}</h1>
      <div className="mt-6 rounded-xl border border-slate-200 bg-white p-6">
        <IconForm productId={product.id} slug={product.slug} name={product.name} icon={product.icon} />
      </div>
      <div className="mt-6 rounded-xl border border-slate-200 bg-white p-6">
        <ScreenshotsForm productId={product.id} screenshots={screenshots} max={SCREENSHOTS_PER_PRODUCT} />
      </div>
      <div className="mt-6 rounded-xl border border-slate-200 bg-white p-6">
        <ProductForm
          action={updateProductAction.bind(null, product.id)}
          initial={product}
          groups={choices.groups}
          categories={choices.categories}
          submitLabel="Save changes"
        />
      </div>
    </div>
  );
}
