import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { approvalStages, auditEvents, groups, productGroups, products } from '@/db/schema';
import { productInput } from '@/lib/catalogue/product-schema';
import { createProduct, getEditableProduct, setProductIcon, updateProduct } from '@/lib/catalogue/products';
import { readProductIcon } from '@/lib/catalogue/icons';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
const groupId = async (name: string) => (await db().query.groups.findFirst({ where: eq(groups.name, name) }))!.id;
const base = { name: 'Acme Tool', slug: 'acme-tool', publisher: 'Acme', category: 'Utilities', licenceModel: 'free' };
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

describe(`product administration (${engine})`, () => {
  it('validates the form with a message for each field at fault', () => {
    const r = productInput.safeParse({
      ...base,
      name: '',
      slug: 'Bad Slug!',
      licenceModel: 'per-seat',
      visibility: 'groups',
      homepageUrl: 'ftp://x',
    });
    const fields = Object.keys(z.flattenError(r.error!).fieldErrors).sort();
    expect(fields).toEqual(['groupIds', 'homepageUrl', 'name', 'seatLimit', 'slug']);
  });

  it('creates a product with a multi-stage policy and group visibility, audited, in one go', async () => {
    const lena = await actor('librarian@example.com');
    const input = productInput.parse({
      ...base,
      licenceModel: 'per-seat',
      seatLimit: '3',
      visibility: 'groups',
      groupIds: [await groupId('Engineering')],
      policy: [{ kind: 'manager' }, { kind: 'group', groupId: await groupId('IT Operations'), requiredApprovals: '2' }],
    });
    const { slug } = await createProduct(lena, input);
    const p = await db().query.products.findFirst({ where: eq(products.slug, slug) });
    expect(p).toMatchObject({ seatLimit: 3, visibility: 'groups' });
    const stages = await db().select().from(approvalStages).where(eq(approvalStages.productId, p!.id)).orderBy(approvalStages.position);
    expect(stages.map((s) => [s.position, s.kind, s.requiredApprovals])).toEqual([
      [1, 'manager', 1],
      [2, 'group', 2],
    ]);
    expect(await db().$count(productGroups, eq(productGroups.productId, p!.id))).toBe(1);
    expect(await db().$count(auditEvents, eq(auditEvents.entityId, p!.id))).toBe(1);

    const editable = await getEditableProduct(lena, slug);
    expect(editable.policy).toEqual(input.policy);
    await expect(createProduct(lena, input)).rejects.toBeInstanceOf(ConflictError);
  });

  it('updates policy and visibility, and keeps URL names unique', async () => {
    const lena = await actor('librarian@example.com');
    const product = await getEditableProduct(lena, 'gimp');
    await updateProduct(lena, product.id, productInput.parse({ ...product, policy: [{ kind: 'manager' }], summary: 'Changed' }));
    expect((await getEditableProduct(lena, 'gimp')).policy).toEqual([{ kind: 'manager' }]);
    await expect(updateProduct(lena, product.id, productInput.parse({ ...product, slug: 'inkscape' }))).rejects.toMatchObject({
      field: 'slug',
    });
  });

  it('refuses a stage or visibility naming a group that does not exist, storing nothing', async () => {
    const lena = await actor('librarian@example.com');
    const ghost = '00000000-0000-4000-8000-000000000000';
    const input = productInput.parse({ ...base, slug: 'ghost-tool', policy: [{ kind: 'group', groupId: ghost }] });
    await expect(createProduct(lena, input)).rejects.toBeInstanceOf(ValidationError);
    expect(await db().query.products.findFirst({ where: eq(products.slug, 'ghost-tool') })).toBeUndefined();
  });

  it('only librarians and admins manage products', async () => {
    const alice = await actor('alice@example.com');
    await expect(createProduct(alice, productInput.parse({ ...base, slug: 'nope' }))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getEditableProduct(alice, 'gimp')).rejects.toBeInstanceOf(ForbiddenError);
    const gimp = await db().query.products.findFirst({ where: eq(products.slug, 'gimp') });
    await expect(setProductIcon(alice, gimp!.id, PNG)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('accepts raster icons by their content and serves them only to those who may see the product', async () => {
    const lena = await actor('librarian@example.com');
    const photoshop = await db().query.products.findFirst({ where: eq(products.slug, 'adobe-photoshop') });
    await expect(setProductIcon(lena, photoshop!.id, new TextEncoder().encode('<svg onload="alert(1)"/>'))).rejects.toMatchObject({
      field: 'icon',
    });
    await setProductIcon(lena, photoshop!.id, PNG);
    const icon = await readProductIcon(await actor('bob@example.com'), 'adobe-photoshop');
    expect(icon.mediaType).toBe('image/png');
    await expect(readProductIcon(await actor('alice@example.com'), 'adobe-photoshop')).rejects.toBeInstanceOf(NotFoundError);
  });
});
