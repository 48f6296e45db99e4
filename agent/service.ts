import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from './errors';

export type ServicePlatform = 'linux' | 'macos' | 'windows';
export type ServiceScope = 'user' | 'system';

/** What the periodic service runs: `<node> <agent file> sync --state-dir <dir>` every few minutes. */
export type ServiceSpec = { node: string; agentFile: string; stateDir: string; everyMinutes: number; scope: ServiceScope };

export const SERVICE_NAME = 'portal-agent';
const LAUNCHD_LABEL = 'com.portal.agent';
const WINDOWS_TASK = 'PortalAgent';

/** One argument of a systemd command line: always double-quoted, with `\`, `"` and `%` escaped. */
export function systemdQuote(arg: string): string {
  return `"${arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%')}"`;
}

const syncArgs = (s: ServiceSpec) => [s.node, s.agentFile, 'sync', '--state-dir', s.stateDir];

/** A oneshot service and the timer that starts it at boot and then every `everyMinutes` (with jitter). */
export function systemdUnits(s: ServiceSpec): { service: string; timer: string } {
  const service = `[Unit]
Description=Portal agent: pull approved software and report installs
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart=${syncArgs(s).map(systemdQuote).join(' ')}
# An installer that hangs must not block the next runs forever.
TimeoutStartSec=2h
Nice=10
`;
  const timer = `[Unit]
Description=Run the portal agent every ${s.everyMinutes} minutes

[Timer]
OnBootSec=5min
OnUnitActiveSec=${s.everyMinutes}min
RandomizedDelaySec=${Math.min(5, s.everyMinutes)}min
Persistent=true

[Install]
WantedBy=timers.target
`;
  return { service, timer };
}

const xml = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A launchd agent (user) or daemon (system) running the sync at load and every `everyMinutes`. */
export function launchdPlist(s: ServiceSpec): string {
  const args = syncArgs(s)
    .map((a) => `    <string>${xml(a)}</string>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${LAUNCHD_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
${args}
  </array>
  <key>StartInterval</key>
  <integer>${s.everyMinutes * 60}</integer>
  <key>RunAtLoad</key>
  <true/>
  <key>StandardOutPath</key>
  <string>${xml(path.join(s.stateDir, 'service.log'))}</string>
  <key>StandardErrorPath</key>
  <string>${xml(path.join(s.stateDir, 'service.log'))}</string>
</dict>
</plist>
`;
}

/** One Windows command-line argument (CommandLineToArgvW rules; no backslash runs before quotes in practice). */
const winQuote = (a: string) => `"${a.replace(/"/g, '\\"')}"`;

/** A Task Scheduler task (XML for `schtasks /Create /XML`), repeating every `everyMinutes`. */
export function windowsTaskXml(s: ServiceSpec): string {
  const [node, ...rest] = syncArgs(s);
  return `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>Portal agent: pull approved software and report installs</Description>
  </RegistrationInfo>
  <Triggers>
    <TimeTrigger>
      <StartBoundary>2000-01-01T00:00:00</StartBoundary>
      <Repetition>
        <Interval>PT${s.everyMinutes}M</Interval>
      </Repetition>
      <RandomDelay>PT5M</RandomDelay>
    </TimeTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      ${s.scope === 'system' ? '<UserId>S-1-5-18</UserId>\n      <RunLevel>HighestAvailable</RunLevel>' : '<LogonType>InteractiveToken</LogonType>\n      <RunLevel>LeastPrivilege</RunLevel>'}
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <StartWhenAvailable>true</StartWhenAvailable>
    <RunOnlyIfNetworkAvailable>true</RunOnlyIfNetworkAvailable>
    <ExecutionTimeLimit>PT2H</ExecutionTimeLimit>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>${xml(node!)}</Command>
      <Arguments>${xml(rest.map(winQuote).join(' '))}</Arguments>
    </Exec>
  </Actions>
</Task>
`;
}

export type ServicePlan = { files: { path: string; content: string }[]; commands: string[][]; removeCommands: string[][] };

/** Where each platform's files go and the commands that (un)register them. */
export function servicePlan(platform: ServicePlatform, s: ServiceSpec, home = os.homedir()): ServicePlan {
  if (platform === 'linux') {
    const dir = s.scope === 'user' ? path.join(home, '.config/systemd/user') : '/etc/systemd/system';
    const ctl = s.scope === 'user' ? ['systemctl', '--user'] : ['systemctl'];
    const units = systemdUnits(s);
    return {
      files: [
        { path: path.join(dir, `${SERVICE_NAME}.service`), content: units.service },
        { path: path.join(dir, `${SERVICE_NAME}.timer`), content: units.timer },
      ],
      commands: [
        [...ctl, 'daemon-reload'],
        [...ctl, 'enable', '--now', `${SERVICE_NAME}.timer`],
      ],
      removeCommands: [
        [...ctl, 'disable', '--now', `${SERVICE_NAME}.timer`],
        [...ctl, 'daemon-reload'],
      ],
    };
  }
  if (platform === 'macos') {
    const dir = s.scope === 'user' ? path.join(home, 'Library/LaunchAgents') : '/Library/LaunchDaemons';
    const file = path.join(dir, `${LAUNCHD_LABEL}.plist`);
    return {
      files: [{ path: file, content: launchdPlist(s) }],
      commands: [['launchctl', 'load', '-w', file]],
      removeCommands: [['launchctl', 'unload', '-w', file]],
    };
  }
  const file = path.join(s.stateDir, `${WINDOWS_TASK}.xml`);
  return {
    files: [{ path: file, content: windowsTaskXml(s) }],
    commands: [['schtasks', '/Create', '/TN', WINDOWS_TASK, '/XML', file, '/F']],
    removeCommands: [['schtasks', '/Delete', '/TN', WINDOWS_TASK, '/F']],
  };
}

export function currentPlatform(): ServicePlatform {
  return process.platform === 'darwin' ? 'macos' : process.platform === 'win32' ? 'windows' : 'linux';
}

export type ServiceOptions = {
  action: 'install' | 'uninstall';
  platform: ServicePlatform;
  spec: ServiceSpec;
  /** Print the files and commands instead of writing and running them. */
  dryRun: boolean;
};

const shown = (cmd: string[]) => cmd.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');

/** `agent service install|uninstall`: writes (or prints) the unit files and runs the commands that register them. */
export async function service(opts: ServiceOptions): Promise<number> {
  if (opts.spec.agentFile.endsWith('.ts')) {
    throw new UsageError('service install runs the single-file agent downloaded from the portal; pass --agent-file PATH to it');
  }
  const plan = servicePlan(opts.platform, opts.spec);
  const commands = opts.action === 'install' ? plan.commands : plan.removeCommands;
  if (opts.dryRun) {
    if (opts.action === 'install') for (const f of plan.files) process.stdout.write(`# ${f.path}\n${f.content}\n`);
    else for (const f of plan.files) process.stdout.write(`# would remove ${f.path}\n`);
    for (const c of commands) process.stdout.write(`$ ${shown(c)}\n`);
    return 0;
  }
  if (opts.action === 'install') {
    for (const f of plan.files) {
      await mkdir(path.dirname(f.path), { recursive: true });
      // Task Scheduler reads its XML as UTF-16 (with a byte-order mark), as the XML declaration says.
      const bytes = f.path.endsWith('.xml') ? Buffer.from(`\ufeff${f.content}`, 'utf16le') : f.content;
      await writeFile(f.path, bytes, { mode: 0o644 });
      process.stdout.write(`wrote ${f.path}\n`);
    }
  }
  let failed = 0;
  for (const c of commands) {
    const r = spawnSync(c[0]!, c.slice(1), { stdio: 'inherit' });
    if (r.status !== 0) {
      process.stderr.write(`error: ${shown(c)} ${r.error ? `could not start (${r.error.message})` : `exited with ${r.status}`}\n`);
      failed++;
    }
  }
  if (opts.action === 'uninstall') {
    for (const f of plan.files) {
      await rm(f.path, { force: true });
      process.stdout.write(`removed ${f.path}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}
