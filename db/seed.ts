import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { getStorage } from '../lib/dml';
import type { DmlStorage } from '../lib/dml/storage';
import { hashPassword } from '../lib/auth/password';
import { createDb, type Db } from './index';
import { runIfMain } from './run-script';
import * as s from './schema';
import { seedDeployments } from './seed-deployments';
import { seedTrust } from './seed-trust';
import { seedSuppliers } from './seed-suppliers';
import { seedProducts, type SeedPlatform, type SeedProduct } from './seed-data';
import { seedIcons } from './seed-icons';
import { seedInstallHistory } from './seed-history';

/** Every demo account signs in with this password (shown in the README). */
export const DEMO_PASSWORD = 'portal-demo';

interface SeedUser {
  email: string;
  name: string;
  roles: s.Role[];
  manager?: string;
  groups?: string[];
}

export const seedGroups: { name: string; description: string }[] = [
  { name: 'Engineering', description: 'Software engineers and SREs' },
  { name: 'Design', description: 'Product and brand designers' },
  { name: 'Finance', description: 'Finance and accounting' },
  { name: 'Security Team', description: 'Security operations; approves security tooling' },
  { name: 'IT Operations', description: 'Endpoint and platform engineering' },
  { name: 'Pilot Ring', description: 'Early adopters who get new releases first' },
  { name: 'Change advisory board', description: 'Approves deployments into live (2 of 3)' },
];

export const seedUsers: SeedUser[] = [
  { email: 'admin@example.com', name: 'Ada Admin', roles: ['requester', 'admin'], groups: ['IT Operations'] },
  { email: 'librarian@example.com', name: 'Lena Librarian', roles: ['requester', 'librarian'], groups: ['IT Operations'] },
  { email: 'desk@example.com', name: 'Sam Servicedesk', roles: ['requester', 'service_desk'], groups: ['IT Operations'] },
  { email: 'dana@example.com', name: 'Dana Deploy', roles: ['requester', 'deployment_manager'] },
  // Chairs the change advisory board: approves change records (and, as a member, deployments into live).
  {
    email: 'chris@example.com',
    name: 'Chris Change',
    roles: ['requester', 'approver', 'change_manager'],
    groups: ['Change advisory board'],
  },
  // Works for Northwind Networks (a supplier): sees and reports only that supplier's scope.
  { email: 'sam@supplier.example', name: 'Sam Supplier', roles: ['supplier'] },
  { email: 'manager@example.com', name: 'Maria Manager', roles: ['requester', 'approver'], groups: ['Engineering', 'Pilot Ring'] },
  {
    email: 'alice@example.com',
    name: 'Alice Anders',
    roles: ['requester'],
    manager: 'manager@example.com',
    groups: ['Engineering', 'Pilot Ring'],
  },
  { email: 'bob@example.com', name: 'Bob Berg', roles: ['requester'], manager: 'manager@example.com', groups: ['Design'] },
  { email: 'fiona@example.com', name: 'Fiona Finch', roles: ['requester'], manager: 'manager@example.com', groups: ['Finance'] },
  // Finance's approver: without one, Ledger Desktop's "manager, then Finance" policy could never finish.
  {
    email: 'felix@example.com',
    name: 'Felix Controller',
    roles: ['requester', 'approver'],
    manager: 'manager@example.com',
    groups: ['Finance'],
  },
  {
    email: 'sec1@example.com',
    name: 'Sid Security',
    roles: ['requester', 'approver'],
    manager: 'manager@example.com',
    groups: ['Security Team', 'Change advisory board'],
  },
  {
    email: 'sec2@example.com',
    name: 'Selma Secure',
    roles: ['requester', 'approver'],
    manager: 'manager@example.com',
    groups: ['Security Team'],
  },
  {
    email: 'ops1@example.com',
    name: 'Otto Ops',
    roles: ['requester', 'approver'],
    manager: 'manager@example.com',
    groups: ['IT Operations', 'Change advisory board'],
  },
  {
    email: 'ops2@example.com',
    name: 'Olga Ops',
    roles: ['requester', 'approver'],
    manager: 'manager@example.com',
    groups: ['IT Operations', 'Change advisory board'],
  },
];

const seedDevices: { owner: string; hostname: string; platform: s.Platform; serial: string }[] = [
  { owner: 'alice@example.com', hostname: 'ALICE-LT-4411', platform: 'windows-x64', serial: 'PF3KX9QA' },
  { owner: 'alice@example.com', hostname: 'alice-mbp', platform: 'macos-arm64', serial: 'C02FK1Q4MD6T' },
  { owner: 'bob@example.com', hostname: 'bob-studio', platform: 'macos-arm64', serial: 'C02GH7YZQ05N' },
  { owner: 'fiona@example.com', hostname: 'FIN-LT-0192', platform: 'windows-x64', serial: 'PF2MM1RZ' },
  { owner: 'manager@example.com', hostname: 'maria-xps', platform: 'linux-x64', serial: '7HQ2CX3' },
  { owner: 'sec1@example.com', hostname: 'sec-ws-01', platform: 'linux-x64', serial: '9KD22LA' },
  { owner: 'ops1@example.com', hostname: 'OPS-SURFACE-7', platform: 'windows-arm64', serial: '0F3A19274953' },
  { owner: 'desk@example.com', hostname: 'DESK-WS-12', platform: 'windows-x64', serial: 'MJ07TQ3W' },
];

const extension: Record<SeedPlatform, string> = {
  'windows-x64': 'msi',
  'windows-arm64': 'msi',
  'macos-arm64': 'pkg',
  'macos-x64': 'pkg',
  'linux-x64': 'tar.gz',
  'linux-arm64': 'tar.gz',
};

/** A small installer stand-in: deterministic bytes, so the seed is repeatable and hashes are real. */
function demoInstaller(product: SeedProduct, version: string, platform: SeedPlatform): Buffer {
  const header = Buffer.from(`Demo package: ${product.name} ${version} for ${platform}\n`);
  const size =
    8192 +
    (createHash('sha256')
      .update(product.slug + version + platform)
      .digest()[0]! <<
      8);
  const chunks = [header];
  for (let i = 0, length = header.length; length < size; i++) {
    const block = createHash('sha256').update(`${product.slug}/${version}/${platform}/${i}`).digest();
    chunks.push(block);
    length += block.length;
  }
  return Buffer.concat(chunks).subarray(0, size);
}

async function* once(bytes: Buffer) {
  yield bytes;
}

const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);

async function seedPeople(db: Db) {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.insert(s.groups).values(seedGroups).onConflictDoNothing();
  await db
    .insert(s.users)
    .values(seedUsers.map((u) => ({ email: u.email, name: u.name, roles: u.roles, passwordHash })))
    .onConflictDoNothing();
  const userRows = await db
    .select()
    .from(s.users)
    .where(
      inArray(
        s.users.email,
        seedUsers.map((u) => u.email),
      ),
    );
  const groupRows = await db.select().from(s.groups);
  const userId = new Map(userRows.map((u) => [u.email, u.id]));
  const groupId = new Map(groupRows.map((g) => [g.name, g.id]));
  for (const u of seedUsers) {
    if (u.manager)
      await db
        .update(s.users)
        .set({ managerId: userId.get(u.manager)! })
        .where(eq(s.users.email, u.email));
    const memberships = (u.groups ?? []).map((g) => ({ groupId: groupId.get(g)!, userId: userId.get(u.email)! }));
    if (memberships.length) await db.insert(s.groupMembers).values(memberships).onConflictDoNothing();
  }
  for (const d of seedDevices) {
    const ownerId = userId.get(d.owner)!;
    const existing = await db.query.devices.findFirst({
      where: and(eq(s.devices.ownerId, ownerId), eq(s.devices.hostname, d.hostname)),
    });
    if (!existing) {
      await db.insert(s.devices).values({ ...d, ownerId, status: 'active', lastSeenAt: daysAgo(1) });
    }
  }
  return { userId, groupId };
}

async function seedProduct(db: Db, storage: DmlStorage, p: SeedProduct, groupId: Map<string, string>, librarianId: string) {
  // Bytes go into the DML before the rows that point at them (an orphan file is harmless and
  // deduplicated; a row without its file is not).
  const stored = new Map<string, Awaited<ReturnType<DmlStorage['put']>>>();
  for (const r of p.releases) {
    for (const platform of r.platforms) {
      stored.set(`${r.version}/${platform}`, await storage.put(once(demoInstaller(p, r.version, platform))));
    }
  }
  const iconSvg = seedIcons[p.slug];
  const icon = iconSvg ? await storage.put(once(Buffer.from(iconSvg, 'utf8'))) : null;

  await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(s.products)
      .values({
        slug: p.slug,
        name: p.name,
        publisher: p.publisher,
        category: p.category,
        summary: p.summary,
        description: p.description,
        homepageUrl: p.homepageUrl,
        licenceModel: p.licenceModel,
        seatLimit: p.seatLimit ?? null,
        seatExhausted: p.seatExhausted ?? 'wait',
        visibility: p.visibleToGroups?.length ? 'groups' : 'everyone',
        requireChangeRef: p.requireChangeRef ?? false,
        iconKey: icon?.key ?? null,
        iconMediaType: icon ? 'image/svg+xml' : null,
      })
      .onConflictDoNothing()
      .returning({ id: s.products.id });
    const product = created ?? (await tx.query.products.findFirst({ where: eq(s.products.slug, p.slug) }))!;

    if (created) {
      const stages = (p.policy ?? []).map((st, i) => ({
        productId: product.id,
        position: i + 1,
        kind: st.kind,
        groupId: st.kind === 'group' ? groupId.get(st.group)! : null,
        requiredApprovals: st.kind === 'group' ? (st.requiredApprovals ?? 1) : 1,
      }));
      if (stages.length) await tx.insert(s.approvalStages).values(stages);
      const visible = (p.visibleToGroups ?? []).map((g) => ({ productId: product.id, groupId: groupId.get(g)! }));
      if (visible.length) await tx.insert(s.productGroups).values(visible);
    }

    for (const r of p.releases) {
      const [release] = await tx
        .insert(s.releases)
        .values({ productId: product.id, version: r.version, notes: r.notes, createdById: librarianId })
        .onConflictDoNothing()
        .returning({ id: s.releases.id });
      if (!release) continue; // Seeded before.
      await tx.insert(s.artifacts).values(
        r.platforms.map((platform) => {
          const o = stored.get(`${r.version}/${platform}`)!;
          return {
            releaseId: release.id,
            platform,
            fileName: `${p.slug}-${r.version}-${platform}.${extension[platform]}`,
            sizeBytes: o.size,
            sha256: o.sha256,
            storageKey: o.key,
            blockSize: o.blockSize,
            blockHashes: o.blockHashes,
          };
        }),
      );
      // Walk the real lifecycle so the database's transition rules hold for demo data too.
      if (r.status === 'draft') continue;
      const publishedAt = daysAgo(r.publishedDaysAgo);
      await tx
        .update(s.releases)
        .set({ status: 'published', publishedAt, changeRef: r.changeRef ?? null })
        .where(eq(s.releases.id, release.id));
      if (r.status === 'deprecated' || r.status === 'withdrawn') {
        await tx
          .update(s.releases)
          .set({ status: 'deprecated', deprecatedAt: daysAgo(Math.max(0, r.publishedDaysAgo - 20)) })
          .where(eq(s.releases.id, release.id));
      }
      if (r.status === 'withdrawn') {
        await tx
          .update(s.releases)
          .set({
            status: 'withdrawn',
            withdrawnAt: daysAgo(Math.max(0, r.publishedDaysAgo - 25)),
            withdrawReason: r.withdrawReason ?? 'Withdrawn',
          })
          .where(eq(s.releases.id, release.id));
      }
    }
  });
}

/** Fills a migrated database with demo data; running it again adds nothing. */
export async function seed(db: Db, storage: DmlStorage = getStorage()): Promise<void> {
  const { userId, groupId } = await seedPeople(db);
  const librarianId = userId.get('librarian@example.com')!;
  for (const p of seedProducts) await seedProduct(db, storage, p, groupId, librarianId);
  await seedDeployments(db, userId, groupId);
  await seedTrust(db, storage, librarianId);
  await seedSuppliers(db, userId);
  await seedInstallHistory(db);
}

runIfMain(import.meta.url, async () => {
  const handle = createDb();
  try {
    await seed(handle.db);
    const products = await handle.db.$count(s.products);
    console.log(`Demo data ready (${handle.kind}): ${products} products, ${seedUsers.length} demo accounts (password "${DEMO_PASSWORD}").`);
  } finally {
    await handle.close();
  }
});
