import { ApiClient } from './api';
import { loadConfig } from './config';
import { isRecord } from './fsutil';

/**
 * Asks the portal to put off a required deployment on this device (default: a day; never past
 * its deadline, which the portal enforces). The next sync then waits; at the deadline it installs.
 */
export async function postpone(opts: { stateDir: string; deploymentId: string; until?: string }): Promise<number> {
  const config = await loadConfig(opts.stateDir);
  const api = new ApiClient(config.server, config.token);
  const answer = await api.json('POST', '/api/v1/device/postpone', {
    deploymentId: opts.deploymentId,
    ...(opts.until ? { until: opts.until } : {}),
  });
  const until = isRecord(answer) && typeof answer.postponedUntil === 'string' ? answer.postponedUntil : '(unknown)';
  process.stdout.write(`postponed deployment ${opts.deploymentId} until ${until}\n`);
  return 0;
}
