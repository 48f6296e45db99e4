import { defineJob, defineSchedule } from '@/lib/jobs/registry';
import { activateIfDue, runDeploymentSchedule } from './lifecycle';

/**
 * A scheduled deployment's start: queued when it is scheduled (or approved) for a later moment, in
 * that transaction, so it activates on time on whichever instance is up, and exactly once
 * (activation is a conditional update; a retry after a crash finds it done).
 */
export const activateDeploymentJob = defineJob<{ deploymentId: string }>(
  'deployments.activate',
  ({ deploymentId }) => activateIfDue(deploymentId),
  { retryLimit: 10 },
);

// The deployment clock's safety net and its sweeps: activations whose job was lost, devices that
// joined or left a target, seats freed for waiting devices, completion after the deadline.
defineSchedule('deployments.schedule', '*/5 * * * *', () => runDeploymentSchedule());
