import type { Metadata } from 'next';
import Link from 'next/link';
import { requireArea } from '@/lib/auth/session';
import { listProductFormChoices } from '@/lib/catalogue/choices';
import { createProductAction } from '../actions';
import { ProductForm } from '../product-form';

export const metadata: Metadata = { title: 'New product' };

export default async function NewProductPage() {
  const actor = await requireArea('/library');
  const choices = await listProductFormChoices(actor);
  return (
    <div className="max-w-3xl">
      <nav className="text-sm text-slate-500">
        <Link href="/library" className="hover:underline">
          Library
        </Link>{' '}
        / New product
      </nav>
      <h1 className="mt-2 text-2xl font-semibold">New product</h1>
      <p className="mt-1 text-slate-600">A product appears in the catalogue once it has a published release.</p>
      <div className="mt-6 rounded-xl border border-slate-200 bg-white p-6">
        <ProductForm action={createProductAction} groups={choices.groups} categories={choices.categories} submitLabel="Create product" />
      </div>
    </div>
  );
}
