import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import * as s from '@/db/schema';
import { seed } from '@/db/seed';
import { seedProducts } from '@/db/seed-data';
import { listUsers } from '@/lib/admin/service';
import { areas, mayEnter } from '@/lib/auth/areas';
import { listLibrary } from '@/lib/catalogue/library';
import { ForbiddenError } from '@/lib/errors';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

setupTestDb();

async function counts() {
  const db = getDb();
  const tables = {
    users: s.users,
    groups: s.groups,
    products: s.products,
    releases: s.releases,
    artifacts: s.artifacts,
    devices: s.devices,
    stages: s.approvalStages,
  };
  const out: Record<string, number> = {};
  for (const [k, t] of Object.entries(tables)) out[k] = await db.$count(t);
  return out;
}

describe(`demo data (${engine})`, () => {
  it('has what the README promises: 25+ products across categories, several releases, every role', async () => {
    const c = await counts();
    expect(c.products).toBe(seedProducts.length);
    expect(c.products).toBeGreaterThanOrEqual(25);
    expect(c.releases).toBeGreaterThanOrEqual(2 * c.products!);
    const categories = new Set(seedProducts.map((p) => p.category));
    for (const cat of ['Browsers', 'Developer tools', 'Office', 'Design', 'Security', 'Utilities']) expect(categories).toContain(cat);
    const roles = new Set((await getDb().select({ roles: s.users.roles }).from(s.users)).flatMap((u) => u.roles));
    expect([...roles].sort()).toEqual([...s.roleValues].sort());
    const platforms = new Set((await getDb().select({ p: s.devices.platform }).from(s.devices)).map((d) => d.p));
    expect(platforms.size).toBeGreaterThanOrEqual(3);
  });

  it('is idempotent: seeding again adds nothing', async () => {
    const before = await counts();
    await seed(getDb());
    expect(await counts()).toEqual(before);
  });
});

describe(`role checks inside the services (${engine})`, () => {
  it('refuses the library overview to anyone but librarians and admins', async () => {
    for (const email of ['alice@example.com', 'manager@example.com', 'desk@example.com']) {
      await expect(listLibrary(await actor(email))).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect((await listLibrary(await actor('librarian@example.com'))).length).toBe(seedProducts.length);
    expect((await listLibrary(await actor('admin@example.com'))).length).toBe(seedProducts.length);
  });

  it('refuses the user list to anyone but admins', async () => {
    for (const email of ['alice@example.com', 'librarian@example.com', 'desk@example.com', 'manager@example.com']) {
      await expect(listUsers(await actor(email))).rejects.toBeInstanceOf(ForbiddenError);
    }
    const list = await listUsers(await actor('admin@example.com'));
    expect(list.find((u) => u.email === 'alice@example.com')).toMatchObject({
      manager: 'Maria Manager',
      groups: ['Engineering', 'Pilot Ring'],
    });
  });

  it('gates areas by role in one table', () => {
    const area = (href: string) => areas.find((a) => a.href === href)!;
    expect(mayEnter(area('/catalogue'), ['requester'])).toBe(true);
    expect(mayEnter(area('/library'), ['requester', 'approver'])).toBe(false);
    expect(mayEnter(area('/library'), ['librarian'])).toBe(true);
    expect(mayEnter(area('/admin'), ['librarian', 'service_desk'])).toBe(false);
  });
});
