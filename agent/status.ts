import { loadConfig, statePaths } from './config';
import { InstalledStore, readLastSync } from './installed';
import { Outbox } from './outbox';

/** Local state only: it works offline and never touches the lock. */
export async function status(stateDir: string): Promise<number> {
  const config = await loadConfig(stateDir);
  const paths = statePaths(stateDir);
  const installed = await InstalledStore.load(paths.installed);
  const outbox = await Outbox.load(paths.outbox);
  const last = await readLastSync(paths.lastSync);
  const lines = [
    `server:          ${config.server}`,
    `device:          ${config.deviceId}`,
    `hostname:        ${config.hostname} (${config.platform})`,
    `enrolled:        ${config.enrolledAt ?? 'unknown'}`,
    `install dir:     ${config.installDir ?? paths.installDir}`,
    `install command: ${config.installCommand ?? '(none: files are only placed)'}`,
    `last sync:       ${
      last
        ? `${last.at} — ${last.ok ? 'ok' : 'with problems'} (${last.installed} installed, ${last.failed} failed${last.error ? `; ${last.error}` : ''})`
        : 'never'
    }`,
    `outbox:          ${outbox.size} report(s) waiting to be delivered`,
    `installed:       ${installed.all.length} item(s)`,
    ...installed.all.map(
      (i) => `  ${i.product} ${i.version}  ${i.fileName}  sha256 ${i.sha256.slice(0, 12)}…  ${i.installedAt}  ${i.path}`,
    ),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
