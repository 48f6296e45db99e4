import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, like } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { artifacts, deployments, entitlements, products, releases, sbomComponents, targets } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { authenticateDevice, enrolDevice, registerDevice } from '@/lib/devices/service';
import { ingestArtifact } from '@/lib/dml/ingest';
import { createRelease, publishRelease } from '@/lib/dml/releases';
import { AppError, ConflictError, ForbiddenError, ValidationError } from '@/lib/errors';
import { recordInstallEvents } from '@/lib/installs/record';
import { importAdvisories } from '@/lib/trust/advisories';
import { searchComponents } from '@/lib/trust/component-search';
import { attachReleaseDocument } from '@/lib/trust/documents';
import { listExposure, proposeFixDeployment } from '@/lib/trust/exposure';
import { isVersionAffected, type OsvAffected } from '@/lib/trust/osv';
import { actor } from '../support/actors';
import { asSchemaOwner, engine, setupTestDb } from '../support/db';
import { cycloneDx, provenance } from '../support/signing';
import { sha256 } from '../support/bytes';

const db = setupTestDb();
let librarian: Actor;
let admin: Actor;
const lib = () => ({ kind: 'user' as const, actor: librarian });

beforeAll(async () => {
  librarian = await actor('librarian@example.com');
  admin = await actor('admin@example.com');
});

async function* body(b: Buffer) {
  yield new Uint8Array(b);
}
const productId = async (slug: string) => (await db().query.products.findFirst({ where: eq(products.slug, slug) }))!.id;
async function draftWithArtifact(slug = 'nodejs') {
  const r = await createRelease(lib(), await productId(slug), { version: `1.${Math.floor(Math.random() * 1e6)}.0`, notes: '' });
  const bytes = randomBytes(2000);
  await ingestArtifact(lib(), r.id, { platform: 'linux-x64', fileName: 'app.tgz', mediaType: 'application/gzip' }, body(bytes));
  return { release: r, sha: sha256(bytes) };
}
async function refused(p: Promise<unknown>, type: typeof ValidationError | typeof ConflictError, field?: string) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(type);
  if (field) expect((e as AppError).field).toBe(field);
  return e as AppError;
}

describe(`OSV version matching on boundaries`, () => {
  const range = (events: Record<string, string>[], type = 'SEMVER'): OsvAffected => ({ ranges: [{ type, events }] });
  it('introduced is affected, the version before it is not; fixed is not affected, the one before is', () => {
    const a = range([{ introduced: '1.2.0' }, { fixed: '1.4.0' }]);
    expect(isVersionAffected('1.1.9', a)).toBe(false);
    expect(isVersionAffected('1.2.0', a)).toBe(true);
    expect(isVersionAffected('1.3.99', a)).toBe(true);
    expect(isVersionAffected('1.4.0', a)).toBe(false);
    expect(isVersionAffected('1.4.1', a)).toBe(false);
  });
  it('last_affected is affected and the next version is not; "0" means from the beginning', () => {
    const a = range([{ introduced: '0' }, { last_affected: '2.0.3' }]);
    expect(isVersionAffected('0.0.1', a)).toBe(true);
    expect(isVersionAffected('2.0.3', a)).toBe(true);
    expect(isVersionAffected('2.0.4', a)).toBe(false);
  });
  it('orders pre-releases before their release', () => {
    const a = range([{ introduced: '1.0.0' }, { fixed: '1.2.0' }]);
    expect(isVersionAffected('1.0.0-beta.1', a)).toBe(false);
    expect(isVersionAffected('1.2.0-rc.1', a)).toBe(true);
    expect(isVersionAffected('1.2.0', a)).toBe(false);
    const eco = range([{ introduced: '3.0' }, { fixed: '3.1' }], 'ECOSYSTEM');
    expect(isVersionAffected('3.1rc1', eco)).toBe(true);
    expect(isVersionAffected('3.1', eco)).toBe(false);
    expect(isVersionAffected('2.9.9', eco)).toBe(false);
  });
  it('handles several intervals and explicit versions', () => {
    const a: OsvAffected = {
      ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.1.0' }, { introduced: '2.0.0' }, { fixed: '2.0.5' }] }],
      versions: ['3.3.3'],
    };
    expect(['1.0.5', '1.5.0', '2.0.4', '2.0.5', '3.3.3'].map((v) => isVersionAffected(v, a))).toEqual([true, false, true, false, true]);
  });
});

describe(`SBOM and provenance (${engine})`, () => {
  it('stores a CycloneDX SBOM with its components and licences, findable by component and range', async () => {
    const { release } = await draftWithArtifact();
    const name = `left-pad-${randomUUID().slice(0, 8)}`;
    const sbom = cycloneDx({ name: 'App', version: release.version }, [
      { name, version: '1.3.0', purl: `pkg:npm/${name}@1.3.0`, licence: 'MIT' },
    ]);
    expect(await attachReleaseDocument(lib(), release.id, 'sbom', sbom)).toMatchObject({ format: 'cyclonedx', components: 2 });
    const rows = await db().select().from(sbomComponents).where(eq(sbomComponents.releaseId, release.id));
    expect(rows.find((r) => r.name === name)).toMatchObject({ version: '1.3.0', ecosystem: 'npm', licences: 'MIT' });
    expect((await searchComponents({ name, range: '>=1.2.0 <2' })).map((h) => h.releaseVersion)).toEqual([release.version]);
    expect(await searchComponents({ name, range: '>=1.3.1' })).toEqual([]);
    await refused(searchComponents({ name, range: 'not a range' }), ValidationError, 'range');
  });

  it('accepts SPDX and refuses malformed SBOMs, naming the fault', async () => {
    const { release } = await draftWithArtifact();
    const spdx = {
      spdxVersion: 'SPDX-2.3',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'app',
      dataLicense: 'CC0-1.0',
      packages: [{ SPDXID: 'SPDXRef-p1', name: 'zlib', versionInfo: '1.3.1', licenseConcluded: 'Zlib' }],
    };
    expect(await attachReleaseDocument(lib(), release.id, 'sbom', Buffer.from(JSON.stringify(spdx)))).toMatchObject({
      format: 'spdx',
      components: 1,
    });
    const bad = async (doc: unknown, why: RegExp) =>
      expect(
        (
          await refused(
            attachReleaseDocument(lib(), release.id, 'sbom', Buffer.from(typeof doc === 'string' ? doc : JSON.stringify(doc))),
            ValidationError,
            'sbom',
          )
        ).message,
      ).toMatch(why);
    await bad('{not json', /not valid JSON/);
    await bad({ hello: 1 }, /neither CycloneDX/);
    await bad({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ type: 'library', version: '1' }] }, /has no name/);
    await bad({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ type: 'library', name: 'x', purl: 'npm:x' }] }, /invalid purl/);
    await bad({ ...spdx, packages: [{ name: 'zlib' }] }, /no SPDXID/);
    // The good SPDX stays: a refused document replaces nothing.
    expect((await db().select().from(sbomComponents).where(eq(sbomComponents.releaseId, release.id))).map((c) => c.name)).toEqual(['zlib']);
  });

  it('requires provenance subjects to match the artifacts, and fixes documents once published', async () => {
    const { release, sha } = await draftWithArtifact();
    const e = await refused(
      attachReleaseDocument(lib(), release.id, 'provenance', provenance([{ name: 'app.tgz', sha256: 'a'.repeat(64) }])),
      ValidationError,
      'provenance',
    );
    expect(e.message).toMatch(/digest mismatch/);
    await attachReleaseDocument(lib(), release.id, 'provenance', provenance([{ name: 'app.tgz', sha256: sha }]));
    await publishRelease(lib(), release.id, {});
    await refused(attachReleaseDocument(lib(), release.id, 'sbom', cycloneDx({ name: 'App', version: '1' }, [])), ConflictError, 'status');
  });
});

describe(`advisories on the estate (${engine})`, () => {
  it('flags devices running the affected version and proposes a required deployment of the fixed release to exactly them', async () => {
    const alice = await actor('alice@example.com');
    const firefox = await productId('firefox');
    const builds = await db()
      .select({ releaseId: releases.id, artifactId: artifacts.id, version: releases.version })
      .from(releases)
      .innerJoin(artifacts, and(eq(artifacts.releaseId, releases.id), eq(artifacts.platform, 'linux-x64')))
      .where(eq(releases.productId, firefox));
    const on = async (hostname: string, version: string) => {
      const { enrolment } = await registerDevice(alice, { hostname, platform: 'linux-x64' });
      const { token } = await enrolDevice({ code: enrolment.code, agentVersion: '1.0.0' });
      const d = await authenticateDevice(`Bearer ${token}`);
      await db().insert(entitlements).values({ userId: alice.id, deviceId: d.deviceId, productId: firefox, includesLaterReleases: true });
      const b = builds.find((x) => x.version === version)!;
      await recordInstallEvents(d, [
        { idempotencyKey: randomUUID(), type: 'install_succeeded', artifactId: b.artifactId, occurredAt: new Date().toISOString() },
      ]);
      return d.deviceId;
    };
    const exposed = [await on('ff-old-1', '140.0.4'), await on('ff-old-2', '140.0.4')];
    await on('ff-new', '141.0');
    const id = `OSV-TEST-${randomUUID().slice(0, 8)}`;
    const osv = {
      id,
      summary: 'Use after free',
      database_specific: { severity: 'CRITICAL' },
      affected: [
        {
          package: { ecosystem: 'Portal', name: 'firefox' },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '140.0' }, { fixed: '141.0' }] }],
        },
      ],
    };
    await expect(importAdvisories(librarian, [{ name: 'a.json', text: JSON.stringify(osv) }])).rejects.toBeInstanceOf(ForbiddenError);
    await importAdvisories(admin, [{ name: 'a.json', text: JSON.stringify(osv) }]);

    const desk = await actor('desk@example.com');
    const rows = (await listExposure(desk)).filter((r) => r.advisoryId === id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ severity: 'critical', version: '140.0.4', fixedIn: '141.0', fixedRelease: { version: '141.0' } });
    expect(rows[0]!.devices.map((d) => d.id).sort()).toEqual([...exposed].sort());

    const dana = await actor('dana@example.com');
    const { deploymentId, devices } = await proposeFixDeployment(dana, id, rows[0]!.releaseId);
    expect(devices).toBe(2);
    const [d] = await db().select().from(deployments).where(eq(deployments.id, deploymentId));
    expect(d).toMatchObject({ status: 'draft', intent: 'required', releaseId: rows[0]!.fixedRelease!.id });
    const [t] = await db().select().from(targets).where(eq(targets.id, d!.targetId));
    expect((t!.rules as { deviceIds: string[] }).deviceIds.sort()).toEqual([...exposed].sort());

    // The target and the deployment belong together: when the deployment cannot be stored (here a
    // constraint the database enforces for this one advisory), the target is not stored either.
    const refused = `OSV-REFUSED-${randomUUID().slice(0, 8)}`;
    await importAdvisories(admin, [{ name: 'r.json', text: JSON.stringify({ ...osv, id: refused }) }]);
    const [again] = (await listExposure(desk)).filter((r) => r.advisoryId === refused);
    await asSchemaOwner(db(), `alter table deployments add constraint refuse_fix_test check (name not like 'Fix ${refused}%')`);
    try {
      await expect(proposeFixDeployment(dana, refused, again!.releaseId)).rejects.toThrow(/insert into "deployments"/);
    } finally {
      await asSchemaOwner(db(), 'alter table deployments drop constraint refuse_fix_test');
    }
    expect(
      await db()
        .select()
        .from(targets)
        .where(like(targets.name, `${refused}%`)),
    ).toEqual([]);
    expect(
      await db()
        .select()
        .from(deployments)
        .where(like(deployments.name, `Fix ${refused}%`)),
    ).toEqual([]);
  });

  it('blocks publishing a release a critical advisory affects (via its SBOM) unless overridden', async () => {
    const { release } = await draftWithArtifact('python');
    const name = `vuln-lib-${randomUUID().slice(0, 8)}`;
    await attachReleaseDocument(
      lib(),
      release.id,
      'sbom',
      cycloneDx({ name: 'Py', version: release.version }, [{ name, version: '2.0.0-rc.2', purl: `pkg:npm/${name}@2.0.0-rc.2` }]),
    );
    const osv = {
      id: `OSV-${name}`,
      severity: [{ type: 'CVSS_V3', score: '9.8' }],
      affected: [{ package: { ecosystem: 'npm', name }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }] }],
    };
    await importAdvisories(admin, [{ name: 'b.json', text: JSON.stringify([osv]) }]);
    await db()
      .update(products)
      .set({ blockCriticalAdvisories: true })
      .where(eq(products.id, await productId('python')));
    const e = await refused(publishRelease(lib(), release.id, {}), ValidationError, 'policy');
    expect(e.message).toMatch(new RegExp(`critical advisory OSV-${name}`));
    expect((await publishRelease(lib(), release.id, { overrideRef: 'CHG-9' })).status).toBe('published');
  });
});
