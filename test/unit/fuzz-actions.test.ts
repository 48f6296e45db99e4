import { count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { apiTokens, artifacts, delegations, devices, entitlements, products, releases, serviceRequests, users } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { malformedBodies, toFormData } from '../support/fuzz';

/*
 * Server actions called as a forged form post would call them: with 200+ malformed inputs each
 * (every field and every bound id hostile in turn). Next.js's request context cannot exist in a
 * unit test, so the session (whose actor the test chooses) and Next's cache and redirect
 * functions are replaced; everything below them — parsing, services, database — is real.
 */
const session = vi.hoisted(() => ({ actor: undefined as Actor | undefined }));
class Redirected extends Error {}
vi.mock('next/cache', () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock('next/navigation', () => ({
  redirect: (to: string) => {
    throw new Redirected(to);
  },
  notFound: () => {
    throw new Redirected('/404');
  },
  forbidden: () => {
    throw new Redirected('/403');
  },
}));
vi.mock('@/lib/auth/session', () => ({
  requireActor: async () => session.actor!,
  currentActor: async () => session.actor ?? null,
  requireArea: async () => session.actor!,
}));
vi.mock('@/lib/auth/auth', () => ({ auth: async () => null, signOut: async () => {}, signIn: async () => {} }));

const db = setupTestDb();

async function footprint() {
  const tables = [releases, artifacts, devices, serviceRequests, products, apiTokens, delegations, entitlements, users];
  const counts = [];
  for (const t of tables) counts.push((await db().select({ n: count() }).from(t))[0]!.n);
  return counts.join('/');
}

type Call = (input: Record<string, unknown>) => Promise<unknown>;

/** Every input must come back as form state (or a redirect); a refusal must store nothing. */
async function fuzz(label: string, who: string, valid: Record<string, unknown>, call: Call) {
  session.actor = await actor(who);
  const inputs = malformedBodies(valid).map((b) => (b && typeof b === 'object' && !Array.isArray(b) ? b : {})) as Record<string, unknown>[];
  expect(inputs.length).toBeGreaterThanOrEqual(200);
  const failures: string[] = [];
  for (const input of inputs) {
    const before = await footprint();
    try {
      const state = (await call(input)) as { error?: string } | undefined;
      if (state?.error && (await footprint()) !== before)
        failures.push(`refused but stored something: ${JSON.stringify(input).slice(0, 150)}`);
    } catch (e) {
      if (!(e instanceof Redirected)) failures.push(`${(e as Error).message?.slice(0, 160)} for ${JSON.stringify(input).slice(0, 150)}`);
    }
  }
  expect(failures, label).toEqual([]);
}

const id = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v ?? ''));

describe(`fuzzing every server action's input (${engine})`, { timeout: 300_000 }, () => {
  let productId = '';
  let releaseId = '';
  let requestId = '';
  let deviceId = '';
  let entitlementId = '';
  let approverId = '';

  beforeAll(async () => {
    productId = (await db().query.products.findFirst({ where: eq(products.slug, 'git') }))!.id;
    releaseId = (await db().query.releases.findFirst({ where: eq(releases.status, 'draft') }))!.id;
    requestId = (await db().select().from(serviceRequests).limit(1))[0]?.id ?? '00000000-0000-4000-8000-000000000001';
    deviceId = (await db().query.devices.findFirst({ where: eq(devices.hostname, 'ALICE-LT-4411') }))!.id;
    entitlementId = (await db().select().from(entitlements).limit(1))[0]?.id ?? '00000000-0000-4000-8000-000000000002';
    approverId = (await actor('sec1@example.com')).id;
  });

  it('catalogue, requests and devices (requester)', async () => {
    const catalogue = await import('@/app/(portal)/catalogue/[slug]/actions');
    await fuzz('request product', 'alice@example.com', { $slug: 'git', releaseId: '', deviceId, justification: 'Fuzzing the form.' }, (i) =>
      catalogue.requestProductAction(id(i.$slug), {}, toFormData(i)),
    );
    const requests = await import('@/app/(portal)/requests/[id]/actions');
    await fuzz('cancel request', 'alice@example.com', { $id: requestId }, (i) => requests.cancelRequestAction(id(i.$id)));
    const devs = await import('@/app/(portal)/devices/actions');
    await fuzz('add device', 'alice@example.com', { hostname: 'fuzz-host', platform: 'linux-x64', serial: 'SN1' }, (i) =>
      devs.addDeviceAction({}, toFormData(i)),
    );
    await fuzz('rename device', 'alice@example.com', { deviceId, hostname: 'renamed-host' }, (i) =>
      devs.renameDeviceAction({}, toFormData(i)),
    );
    await fuzz('new code', 'alice@example.com', { deviceId }, (i) => devs.newCodeAction({}, toFormData(i)));
    const software = await import('@/app/(portal)/devices/[id]/software/actions');
    const assignment = { deviceId, deploymentId: '6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f', until: '2026-12-01T18:00' };
    await fuzz('postpone', 'alice@example.com', assignment, (i) => software.postponeAction({}, toFormData(i)));
    await fuzz('install now', 'alice@example.com', assignment, (i) => software.installNowAction({}, toFormData(i)));
    await fuzz('retire device', 'bob@example.com', { deviceId }, (i) => devs.retireDeviceAction({}, toFormData(i)));
    const notes = await import('@/app/(portal)/notification-actions');
    await fuzz('open notification', 'alice@example.com', { id: requestId, link: '/requests' }, (i) =>
      notes.openNotificationAction(toFormData(i)),
    );
  });

  it('approvals and delegation (approver)', async () => {
    const approvals = await import('@/app/(portal)/approvals/actions');
    await fuzz('decide', 'manager@example.com', { requestId, decision: 'rejected', comment: 'No.', stage: '1' }, (i) =>
      approvals.decideAction({}, toFormData(i)),
    );
    await fuzz('approve selected', 'manager@example.com', { requestId: [requestId] }, (i) =>
      approvals.approveSelectedAction({}, toFormData(i)),
    );
    await fuzz(
      'delegate',
      'manager@example.com',
      { delegateId: approverId, startsAt: '2030-01-01T00:00', endsAt: '2030-01-02T00:00' },
      (i) => approvals.createDelegationAction({}, toFormData(i)),
    );
    await fuzz('end delegation', 'manager@example.com', { id: requestId }, (i) => approvals.endDelegationAction({}, toFormData(i)));
  });

  it('library, tokens, desk and admin (librarian, desk, admin)', async () => {
    const library = await import('@/app/(portal)/library/products/[slug]/release-actions');
    const lib = 'librarian@example.com';
    await fuzz('create release', lib, { $id: productId, $slug: 'git', version: '88.0.0', notes: 'n' }, (i) =>
      library.createReleaseAction(id(i.$id), id(i.$slug), {}, toFormData(i)),
    );
    await fuzz('publish', lib, { $id: releaseId, changeRef: 'CHG-9' }, (i) => library.publishAction(id(i.$id), 'git', {}, toFormData(i)));
    await fuzz('withdraw', lib, { $id: releaseId, reason: 'Broken' }, (i) => library.withdrawAction(id(i.$id), 'git', {}, toFormData(i)));
    await fuzz('deprecate', lib, { $id: releaseId }, (i) => library.deprecateAction(id(i.$id), 'git'));
    await fuzz('remove artifact', lib, { $id: releaseId }, (i) => library.removeArtifactAction(id(i.$id), 'git'));
    await fuzz('revoke seat', lib, { $id: entitlementId }, (i) => library.revokeSeatAction(id(i.$id), 'git'));
    const productActions = await import('@/app/(portal)/library/products/actions');
    const product = {
      $id: productId,
      name: 'Fuzz Product',
      slug: 'fuzz-product',
      publisher: 'Fuzz',
      category: 'Utilities',
      licenceModel: 'free',
      visibility: 'everyone',
      approvalTimeoutHours: '24',
      policy: '[]',
      groupIds: [],
    };
    await fuzz('create product', lib, product, (i) => productActions.createProductAction({}, toFormData(i)));
    await fuzz('update product', lib, product, (i) => productActions.updateProductAction(id(i.$id), {}, toFormData(i)));
    await fuzz('icon', lib, { $id: productId, icon: 'not an image' }, (i) => productActions.uploadIconAction(id(i.$id), {}, toFormData(i)));
    const tokens = await import('@/app/(portal)/library/tokens/actions');
    await fuzz('create token', lib, { name: 'fuzz', productIds: [productId], expiresAt: '2030-01-01' }, (i) =>
      tokens.createTokenAction({}, toFormData(i)),
    );
    await fuzz('revoke token', lib, { id: productId }, (i) => tokens.revokeTokenAction({}, toFormData(i)));
    const desk = await import('@/app/(portal)/desk/devices/[id]/actions');
    await fuzz('revoke device', 'desk@example.com', { $id: deviceId, reason: 'Lost' }, (i) =>
      desk.revokeDeviceAction(id(i.$id), {}, toFormData(i)),
    );
    const admin = await import('@/app/(portal)/admin/users/[id]/actions');
    const bob = (await actor('bob@example.com')).id;
    await fuzz(
      'update user',
      'admin@example.com',
      { $id: bob, name: 'Bob', roles: ['requester'], managerId: '', groupIds: [], active: 'on' },
      (i) => admin.updateUserAction(id(i.$id), {}, toFormData(i)),
    );
    await fuzz('sign out everywhere', 'admin@example.com', { $id: bob }, (i) => admin.signOutEverywhereAction(id(i.$id), {}));
    const jobs = await import('@/app/(portal)/admin/jobs/actions');
    await fuzz('retry job', 'admin@example.com', { name: 'mail.send', id: requestId }, (i) => jobs.retryJobAction({}, toFormData(i)));
  });
});
