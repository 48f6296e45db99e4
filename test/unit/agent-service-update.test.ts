import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchdPlist, servicePlan, systemdUnits, windowsTaskXml, type ServiceSpec } from '@/agent/service';
import { update } from '@/agent/update';
import { parseExecStart } from '../support/systemd';

const spec: ServiceSpec = {
  node: '/usr/bin/node',
  agentFile: '/opt/portal agent/portal-agent.mjs',
  stateDir: '/home/ann/.portal-agent 100%',
  everyMinutes: 30,
  scope: 'user',
};

describe('agent service: generated unit files', () => {
  it('systemd: a oneshot sync service whose ExecStart parses back to the exact arguments, and a 30-minute timer', () => {
    const { service, timer } = systemdUnits(spec);
    expect(service).toContain('Type=oneshot');
    expect(parseExecStart(service)).toEqual([
      '/usr/bin/node',
      '/opt/portal agent/portal-agent.mjs',
      'sync',
      '--state-dir',
      '/home/ann/.portal-agent 100%',
    ]);
    expect(timer).toMatch(/^OnUnitActiveSec=30min$/m);
    expect(timer).toMatch(/^OnBootSec=5min$/m);
    expect(timer).toMatch(/^Persistent=true$/m);
    expect(timer).toMatch(/^WantedBy=timers\.target$/m);
    const user = servicePlan('linux', spec, '/home/ann');
    expect(user.files.map((f) => f.path)).toEqual([
      '/home/ann/.config/systemd/user/portal-agent.service',
      '/home/ann/.config/systemd/user/portal-agent.timer',
    ]);
    expect(user.commands).toEqual([
      ['systemctl', '--user', 'daemon-reload'],
      ['systemctl', '--user', 'enable', '--now', 'portal-agent.timer'],
    ]);
    const system = servicePlan('linux', { ...spec, scope: 'system' }, '/home/ann');
    expect(system.files[0]!.path).toBe('/etc/systemd/system/portal-agent.service');
    expect(system.removeCommands[0]).toEqual(['systemctl', 'disable', '--now', 'portal-agent.timer']);
  });

  it('launchd: a plist with the program arguments (XML-escaped), the interval in seconds and RunAtLoad', () => {
    const plist = launchdPlist({ ...spec, agentFile: '/Users/ann/a&b/portal-agent.mjs' });
    expect(plist).toContain('<string>com.portal.agent</string>');
    expect(plist).toContain('<string>/Users/ann/a&amp;b/portal-agent.mjs</string>');
    expect(plist).toMatch(/<key>StartInterval<\/key>\s*<integer>1800<\/integer>/);
    expect(plist).toMatch(/<key>RunAtLoad<\/key>\s*<true\/>/);
    expect(servicePlan('macos', spec, '/Users/ann').files[0]!.path).toBe('/Users/ann/Library/LaunchAgents/com.portal.agent.plist');
  });

  it('Windows: a scheduled task repeating every 30 minutes, registered with schtasks /XML', () => {
    const xml = windowsTaskXml({ ...spec, node: 'C:\\Program Files\\nodejs\\node.exe', agentFile: 'C:\\portal\\portal-agent.mjs' });
    expect(xml).toContain('<Interval>PT30M</Interval>');
    expect(xml).toContain('<Command>C:\\Program Files\\nodejs\\node.exe</Command>');
    expect(xml).toContain('<Arguments>&quot;C:\\portal\\portal-agent.mjs&quot; &quot;sync&quot; &quot;--state-dir&quot;');
    expect(xml).toContain('<MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>');
    const plan = servicePlan('windows', spec);
    expect(plan.commands[0]).toEqual([
      'schtasks',
      '/Create',
      '/TN',
      'PortalAgent',
      '/XML',
      path.join(spec.stateDir, 'PortalAgent.xml'),
      '/F',
    ]);
    expect(plan.removeCommands[0]).toEqual(['schtasks', '/Delete', '/TN', 'PortalAgent', '/F']);
  });
});

describe('agent update', () => {
  const newAgent = Buffer.from('#!/usr/bin/env node\nconsole.log("agent 9.9.9");\n');
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  let served: Buffer = newAgent;
  let server: http.Server;
  let url = '';
  let dir = '';

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/api/v1/agent') {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({ version: '9.9.9', sha256: sha(newAgent), sizeBytes: newAgent.length, downloadUrl: '/api/v1/agent/download' }),
        );
      } else if (req.url === '/api/v1/agent/download') res.end(served);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = await mkdtemp(path.join(os.tmpdir(), 'agent-update-'));
  });
  afterAll(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const oldAgent = async (name: string) => {
    const file = path.join(dir, name);
    await writeFile(file, '#!/usr/bin/env node\nconsole.log("agent 0.1.0");\n', { mode: 0o750 });
    return file;
  };

  it('a tampered download is refused and the agent file stays as it was', async () => {
    const file = await oldAgent('tampered.mjs');
    const before = await readFile(file);
    served = Buffer.from(newAgent.toString().replace('9.9.9', '6.6.6'));
    await expect(update({ stateDir: dir, server: url, file })).rejects.toThrow(/refused the downloaded agent: SHA-256/);
    expect(await readFile(file)).toEqual(before);
    expect((await import('node:fs/promises').then((f) => f.readdir(dir))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a good download replaces the file (same mode); the next run finds it up to date', async () => {
    const file = await oldAgent('good.mjs');
    served = newAgent;
    expect(await update({ stateDir: dir, server: url, file })).toBe(0);
    expect(await readFile(file)).toEqual(newAgent);
    expect((await stat(file)).mode & 0o777).toBe(0o750);
    const mtime = (await stat(file)).mtimeMs;
    served = Buffer.from('must not be fetched');
    expect(await update({ stateDir: dir, server: url, file })).toBe(0);
    expect((await stat(file)).mtimeMs).toBe(mtime);
    expect(await readFile(file)).toEqual(newAgent);
  });

  it('refuses to overwrite a source checkout', async () => {
    await expect(update({ stateDir: dir, server: url, file: path.join(dir, 'cli.ts') })).rejects.toThrow(/not one/);
  });
});
