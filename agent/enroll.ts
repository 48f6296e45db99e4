import os from 'node:os';
import { ApiClient } from './api';
import { parseEnrolment } from './api-types';
import { isPlainHttpToRemote, normaliseServer, readConfig, saveConfig, statePaths } from './config';
import { AgentFailure, ApiError } from './errors';
import { Outbox } from './outbox';
import { AGENT_VERSION } from './version';

export type EnrollOptions = {
  server: string;
  code: string;
  stateDir: string;
  hostname?: string;
  serial?: string;
  installCommand?: string;
  uninstallCommand?: string;
  installDir?: string;
};

/** Trades a one-time code for a device token and keeps it in agent.json (0600). */
export async function enroll(opts: EnrollOptions): Promise<number> {
  const server = normaliseServer(opts.server);
  if (isPlainHttpToRemote(server)) process.stderr.write(`warning: ${server} is plain http; the device token will travel unencrypted\n`);
  const previous = await readConfig(opts.stateDir).catch(() => undefined);
  const body = {
    code: opts.code,
    agentVersion: AGENT_VERSION,
    hostname: opts.hostname || os.hostname(),
    ...(opts.serial ? { serial: opts.serial } : {}),
  };
  let data: unknown;
  try {
    data = await new ApiClient(server).json('POST', '/api/v1/devices/enrol', body);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      throw new AgentFailure(
        `the enrolment code was refused (${e.message}); codes are single-use and expire, so get a new one from the portal`,
      );
    }
    throw e;
  }
  const device = parseEnrolment(data);
  await saveConfig(opts.stateDir, {
    server,
    ...device,
    enrolledAt: new Date().toISOString(),
    // Local settings survive a re-enrolment; they describe the machine, not the device record.
    ...pick(opts.installCommand ?? previous?.installCommand, 'installCommand'),
    ...pick(opts.uninstallCommand ?? previous?.uninstallCommand, 'uninstallCommand'),
    ...pick(opts.installDir ?? previous?.installDir, 'installDir'),
  });
  if (previous && previous.deviceId !== device.deviceId) {
    // Queued reports belong to the old device record; its token can no longer deliver them.
    const dropped = await (await Outbox.load(statePaths(opts.stateDir).outbox)).clear();
    if (dropped > 0) process.stderr.write(`note: dropped ${dropped} undelivered report(s) of the previous device ${previous.deviceId}\n`);
  }
  process.stdout.write(
    `enrolled: this machine is device ${device.deviceId} — ${device.hostname} (${device.platform}) on ${server}\n` +
      `state: ${statePaths(opts.stateDir).config}\n`,
  );
  return 0;
}

function pick<K extends string>(value: string | undefined, key: K): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Partial<Record<K, string>>) : {};
}
