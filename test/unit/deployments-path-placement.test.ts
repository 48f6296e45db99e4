import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, devices, productPromotionSteps, products } from '@/db/schema';
import { promotionPath, promotionPathInput, setPromotionPath } from '@/lib/deployments/environments';
import { getDevicePlacement, placementInput, setDevicePlacement } from '@/lib/devices/placement';
import { ConflictError, ForbiddenError, NotFoundError } from '@/lib/errors';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
const unknownId = '00000000-0000-4000-8000-000000000000';

async function someProduct(slug: string) {
  const p = await db().query.products.findFirst({ where: eq(products.slug, slug) });
  if (!p) throw new Error(`no seeded product ${slug}`);
  return p;
}

const steps = async (productId: string) =>
  (
    await db()
      .select({ e: productPromotionSteps.environment, p: productPromotionSteps.position })
      .from(productPromotionSteps)
      .where(eq(productPromotionSteps.productId, productId))
      .orderBy(asc(productPromotionSteps.position))
  ).map((r) => `${r.p}:${r.e}`);

describe(`a product's promotion path (${engine})`, () => {
  it('managers and admins set it in order, replace it, and clear it back to every environment by rank; audited', async () => {
    const { id } = await someProduct('keepassxc');
    const dana = await actor('dana@example.com');
    expect(await setPromotionPath(dana, id, ['staging', 'live'])).toEqual({ environments: ['staging', 'live'] });
    expect(await steps(id)).toEqual(['1:staging', '2:live']);
    expect((await promotionPath(db(), id)).map((e) => e.key)).toEqual(['staging', 'live']);
    await setPromotionPath(await actor('admin@example.com'), id, ['live']);
    expect(await steps(id)).toEqual(['1:live']);
    await setPromotionPath(dana, id, []);
    expect(await steps(id)).toEqual([]);
    expect((await promotionPath(db(), id)).map((e) => e.key)).toEqual(['test', 'staging', 'live']);
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, id), eq(auditEvents.action, 'product.promotion_path_set')))
      .orderBy(asc(auditEvents.id));
    expect(audit.map((a) => a.after)).toEqual([{ environments: ['staging', 'live'] }, { environments: ['live'] }, { environments: [] }]);
    expect(audit[2]!.before).toEqual({ environments: ['live'] });
  });

  it('refuses other roles, unknown or repeated environments (422 on environments) and unknown products, storing nothing', async () => {
    const { id } = await someProduct('postman');
    const dana = await actor('dana@example.com');
    for (const email of ['alice@example.com', 'desk@example.com', 'librarian@example.com', 'ops1@example.com'])
      await expect(setPromotionPath(await actor(email), id, ['live'])).rejects.toBeInstanceOf(ForbiddenError);
    await expect(setPromotionPath(dana, id, ['test', 'prod'])).rejects.toMatchObject({ status: 422, field: 'environments' });
    await expect(setPromotionPath(dana, id, ['live', 'live'])).rejects.toMatchObject({ status: 422, field: 'environments' });
    await expect(setPromotionPath(dana, id, ['te\u0000st'])).rejects.toMatchObject({ status: 422, field: 'environments' });
    await expect(setPromotionPath(dana, unknownId, ['live'])).rejects.toBeInstanceOf(NotFoundError);
    await expect(setPromotionPath(dana, 'not-a-uuid', ['live'])).rejects.toBeInstanceOf(NotFoundError);
    expect(await steps(id)).toEqual([]);
    // The form's parser: blanks dropped, hostile strings named by field.
    expect(promotionPathInput.parse({ environments: ['', 'live', ''] })).toEqual({ environments: ['live'] });
    expect(promotionPathInput.safeParse({ environments: ['a\u0000'] }).error?.issues[0]?.path).toEqual(['environments', 0]);
    expect(promotionPathInput.safeParse({ environments: ['x'.repeat(100_000)] }).success).toBe(false);
  });

  it('two managers saving at once leave one whole path, never a mixture', async () => {
    const { id } = await someProduct('vlc-media-player');
    const [a, b] = [await actor('dana@example.com'), await actor('admin@example.com')];
    await Promise.all([setPromotionPath(a, id, ['test', 'live']), setPromotionPath(b, id, ['staging'])]);
    expect([['1:test', '2:live'], ['1:staging']]).toContainEqual(await steps(id));
  });
});

describe(`device placement by the desk (${engine})`, () => {
  async function aDevice() {
    const d = await db().query.devices.findFirst({ where: eq(devices.status, 'active') });
    return d!;
  }

  it('the desk and admins set kind, site, country (upper-cased) and environment; audited with before and after', async () => {
    const d = await aDevice();
    const desk = await actor('desk@example.com');
    const input = placementInput.parse({ kind: 'server', site: ' Lisbon DC ', country: 'pt', environment: 'staging' });
    expect(await setDevicePlacement(desk, d.id, input)).toEqual({
      id: d.id,
      kind: 'server',
      site: 'Lisbon DC',
      country: 'PT',
      environment: 'staging',
    });
    expect(await getDevicePlacement(desk, d.id)).toMatchObject({ site: 'Lisbon DC', country: 'PT' });
    const cleared = await setDevicePlacement(
      await actor('admin@example.com'),
      d.id,
      placementInput.parse({ kind: 'workstation', site: '', country: '', environment: 'live' }),
    );
    expect(cleared).toMatchObject({ kind: 'workstation', site: null, country: null, environment: 'live' });
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, d.id), eq(auditEvents.action, 'device.placed')))
      .orderBy(asc(auditEvents.id));
    expect(audit).toHaveLength(2);
    expect(audit[0]!.before).toMatchObject({ kind: d.kind, environment: d.environment });
    expect(audit[1]!.before).toMatchObject({ kind: 'server', site: 'Lisbon DC', country: 'PT', environment: 'staging' });
  });

  it('refuses other roles, unknown devices and environments; names the field of bad input', async () => {
    const d = await aDevice();
    const ok = placementInput.parse({ kind: 'server', site: 'X', country: 'DE', environment: 'live' });
    for (const email of ['alice@example.com', 'dana@example.com', 'librarian@example.com'])
      await expect(setDevicePlacement(await actor(email), d.id, ok)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getDevicePlacement(await actor('alice@example.com'), d.id)).rejects.toBeInstanceOf(ForbiddenError);
    const desk = await actor('desk@example.com');
    await expect(setDevicePlacement(desk, unknownId, ok)).rejects.toBeInstanceOf(NotFoundError);
    await expect(setDevicePlacement(desk, 'x', ok)).rejects.toBeInstanceOf(NotFoundError);
    await expect(setDevicePlacement(desk, d.id, { ...ok, environment: 'prod' })).rejects.toMatchObject({
      status: 422,
      field: 'environment',
    });
    await expect(setDevicePlacement(desk, d.id, { ...ok, environment: 'li\u0000ve' })).rejects.toMatchObject({
      status: 422,
      field: 'environment',
    });
    const fields = (v: Record<string, unknown>) => {
      const r = placementInput.safeParse({ kind: 'server', environment: 'live', ...v });
      return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
    };
    expect(fields({ kind: 'mainframe' })).toEqual(['kind']);
    expect(fields({ country: 'Germany' })).toEqual(['country']);
    expect(fields({ country: 'D1' })).toEqual(['country']);
    expect(fields({ site: 'a\u0000b' })).toEqual(['site']);
    expect(fields({ site: 'x'.repeat(100_000) })).toEqual(['site']);
    expect(fields({ environment: '' })).toEqual(['environment']);
    expect(await getDevicePlacement(desk, d.id)).toMatchObject({ kind: d.kind, environment: d.environment });
  });

  it('of two desk agents saving different placements at once, one wins and the other gets a 409', async () => {
    const d = await aDevice();
    const desk = await actor('desk@example.com');
    const admin = await actor('admin@example.com');
    const results = await Promise.allSettled([
      setDevicePlacement(desk, d.id, placementInput.parse({ kind: 'server', site: 'A', environment: 'test' })),
      setDevicePlacement(admin, d.id, placementInput.parse({ kind: 'network', site: 'B', environment: 'staging' })),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won.length).toBeGreaterThanOrEqual(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
    const now = await getDevicePlacement(desk, d.id);
    expect([
      { site: 'A', environment: 'test' },
      { site: 'B', environment: 'staging' },
    ]).toContainEqual({ site: now.site, environment: now.environment });
  });
});
