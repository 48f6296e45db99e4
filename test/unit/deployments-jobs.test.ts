import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { deployments } from '@/db/schema';
import { createDeployment, scheduleDeployment } from '@/lib/deployments/service';
import { runJobWorker } from '../support/jobs';
import { actor } from '../support/actors';
import { fleetAt, plan, publishedRelease, siteTarget } from '../support/deployment-plans';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
runJobWorker();

const dana = () => actor('dana@example.com');
const statusOf = async (id: string) => (await db().query.deployments.findFirst({ where: eq(deployments.id, id) }))!.status;

describe(`the deployment clock on the job queue (${engine})`, () => {
  it('a deployment scheduled for a later moment is activated by a job queued with it, at that moment', async () => {
    const m = await dana();
    await fleetAt('JobA', 1);
    const target = await siteTarget(m, 'JobA');
    const { release } = await publishedRelease('blender');
    const startsAt = new Date(Date.now() + 3_000);
    const { id } = await createDeployment(m, plan({ releaseId: release.id, targetId: target.id, availableFrom: startsAt }));
    expect(await scheduleDeployment(m, id, 1)).toEqual({ status: 'scheduled' });
    const queued = (await db().execute(
      sql`SELECT start_after FROM pgboss.job WHERE name = 'deployments.activate' AND data->>'deploymentId' = ${id}`,
    )) as unknown as { rows: { start_after: Date | string }[] };
    expect(queued.rows).toHaveLength(1);
    expect(Math.abs(new Date(queued.rows[0]!.start_after).getTime() - startsAt.getTime())).toBeLessThan(1000);
    expect(await statusOf(id)).toBe('scheduled');
    await expect.poll(() => statusOf(id), { timeout: 20_000, interval: 250 }).toBe('active');
  });
});
