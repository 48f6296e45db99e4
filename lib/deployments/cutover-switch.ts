import { getDb } from '@/db';
import { retryOnContention } from '@/lib/errors';
import { defineJob } from '@/lib/jobs/registry';
import { assignDevices } from './assign';

/**
 * A big bang's switch, queued at activation to run at the cut-over: the assignment run that, in
 * one transaction, revokes what each covered device held until now and grants the deployment's
 * release (see awaitsCutoverSql). The deployment schedule's sweep does the same if this is late.
 */
export const cutoverSwitchJob = defineJob<{ deploymentId: string }>(
  'deployments.cutover',
  ({ deploymentId }) => retryOnContention(() => getDb().transaction((tx) => assignDevices(tx, deploymentId))),
  { retryLimit: 10 },
);
