import { count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  deploymentApprovals,
  deploymentAssignments,
  deploymentRevisions,
  deployments,
  entitlements,
  environments,
  productPromotionSteps,
  releases,
  targets,
} from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';
import { malformedBodies, toFormData } from '../support/fuzz';

/*
 * The deployment area's server actions called as a forged form post would: 200+ malformed inputs
 * each (every field and bound id hostile in turn). The session and Next's cache and redirect are
 * replaced, as in fuzz-actions.test.ts; parsing, services and database are real.
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
  const tables = [
    deployments,
    deploymentRevisions,
    deploymentApprovals,
    deploymentAssignments,
    targets,
    entitlements,
    environments,
    productPromotionSteps,
  ];
  const counts = [];
  for (const t of tables) counts.push((await db().select({ n: count() }).from(t))[0]!.n);
  return counts.join('/');
}

/** Every input comes back as form state (or a redirect); a refusal stores nothing. */
async function fuzz(
  label: string,
  who: string,
  valid: Record<string, unknown>,
  call: (input: Record<string, unknown>) => Promise<unknown>,
) {
  session.actor = await actor(who);
  const inputs = malformedBodies(valid).map((b) => (b && typeof b === 'object' && !Array.isArray(b) ? b : {})) as Record<string, unknown>[];
  const failures: string[] = [];
  for (const input of inputs) {
    const before = await footprint();
    try {
      const state = (await call(input)) as { error?: string; state?: { error?: string } } | undefined;
      if ((state?.error || state?.state?.error) && (await footprint()) !== before)
        failures.push(`refused but stored something: ${JSON.stringify(input).slice(0, 150)}`);
    } catch (e) {
      if (!(e instanceof Redirected)) failures.push(`${(e as Error).message?.slice(0, 160)} for ${JSON.stringify(input).slice(0, 150)}`);
    }
  }
  expect(failures, label).toEqual([]);
}

const id = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v ?? ''));

describe(`fuzzing the deployment actions (${engine})`, { timeout: 300_000 }, () => {
  let releaseId = '';
  let targetId = '';
  let deploymentId = '';

  beforeAll(async () => {
    releaseId = (await db().query.releases.findFirst({ where: eq(releases.version, '3.0.21') }))!.id;
    targetId = (await db().query.targets.findFirst({ where: eq(targets.name, 'Linux servers') }))!.id;
    deploymentId = (await db().query.deployments.findFirst({ where: eq(deployments.status, 'draft') }))!.id;
  });

  it('deployments, targets and environments (deployment manager, admin, approver)', async () => {
    const m = 'dana@example.com';
    const actions = await import('@/app/(portal)/deployments/actions');
    const plan = {
      name: 'Fuzz',
      releaseId,
      targetId,
      environment: 'test',
      intent: 'required',
      availableFrom: '2030-01-01T00:00',
      deadline: '',
      windowStartMinute: '22:00',
      windowEndMinute: '04:00',
      windowTimeZone: 'UTC',
      cutoverAt: '',
      changeRef: 'CHG1',
    };
    await fuzz('create deployment', m, plan, (i) => actions.createDeploymentAction({}, toFormData(i)));
    await fuzz('update deployment', m, { ...plan, $id: deploymentId, expectedVersion: '1', reason: 'r' }, (i) =>
      actions.updateDeploymentAction(id(i.$id), {}, toFormData(i)),
    );
    await fuzz('schedule', m, { $id: deploymentId, expectedVersion: '99' }, (i) =>
      actions.scheduleDeploymentAction(id(i.$id), {}, toFormData(i)),
    );
    await fuzz('cancel', m, { $id: '00000000-0000-4000-8000-000000000000', reason: 'r' }, (i) =>
      actions.cancelDeploymentAction(id(i.$id), {}, toFormData(i)),
    );

    const t = await import('@/app/(portal)/deployments/targets/actions');
    const rules = {
      name: 'Fuzz target',
      description: 'd',
      kinds: ['server'],
      platforms: ['linux-x64'],
      sites: ['Berlin'],
      countries: 'DE',
      deviceIds: '',
      groupIds: [],
      environments: ['test'],
    };
    await fuzz('preview', m, rules, (i) => t.previewTargetAction(toFormData(i)));
    await fuzz('create target', m, rules, (i) => t.createTargetAction({}, toFormData(i)));
    await fuzz('update target', m, { ...rules, $id: targetId }, (i) => t.updateTargetAction(id(i.$id), {}, toFormData(i)));
    await fuzz('archive target', m, { $id: '00000000-0000-4000-8000-000000000000' }, (i) => t.archiveTargetAction(id(i.$id), true));

    const env = await import('@/app/(portal)/deployments/environments/actions');
    await fuzz(
      'environment',
      'admin@example.com',
      { $key: 'nosuch', name: 'X', successThresholdPercent: '90', approvalGroupId: '', requiredApprovals: '1' },
      (i) => env.updateEnvironmentAction(id(i.$key), {}, toFormData(i)),
    );
    await fuzz('promotion path', m, { productId: (await db().query.products.findFirst())!.id, step: ['test', 'live'] }, (i) =>
      env.setPromotionPathAction({}, toFormData(i)),
    );
    const approvals = await import('@/app/(portal)/approvals/deployments/actions');
    await fuzz('decide deployment', 'ops1@example.com', { deploymentId, version: '1', decision: 'rejected', comment: 'No.' }, (i) =>
      approvals.decideDeploymentAction({}, toFormData(i)),
    );
  });

  it('device placement (service desk)', async () => {
    const deviceId = (await db().query.devices.findFirst())!.id;
    const desk = await import('@/app/(portal)/desk/devices/[id]/actions');
    await fuzz(
      'place device',
      'desk@example.com',
      { $id: deviceId, kind: 'server', site: 'Berlin', country: 'DE', environment: 'test' },
      (i) => desk.placeDeviceAction(id(i.$id), {}, toFormData(i)),
    );
  });
});
