import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { resolveStateDir } from './config';
import { enroll } from './enroll';
import { AgentFailure, ConfigError, messageOf, UsageError } from './errors';
import { HELP } from './help';
import { postpone } from './postpone';
import { currentPlatform, service, type ServicePlatform } from './service';
import { status } from './status';
import { sync } from './sync';
import { update } from './update';
import { AGENT_VERSION } from './version';

type Options = NonNullable<ParseArgsConfig['options']>;

const common: Options = { 'state-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } };
const installOptions: Options = {
  'install-dir': { type: 'string' },
  'install-command': { type: 'string' },
  'uninstall-command': { type: 'string' },
};

function parse(args: string[], options: Options): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args, options: { ...common, ...options }, strict: true, allowPositionals: false }).values as Record<
      string,
      string | boolean | undefined
    >;
  } catch (e) {
    throw new UsageError(messageOf(e));
  }
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** "500K", "2M", "1G" or plain bytes per second. */
function parseRate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)([KMG]?)$/i.exec(value.trim());
  const rate = m ? Number(m[1]) * 1024 ** ' KMG'.indexOf((m[2] || ' ').toUpperCase()) : NaN;
  if (!Number.isFinite(rate) || rate < 1024) throw new UsageError('--limit-rate takes a rate of at least 1K, like 500K or 2M');
  return rate;
}

/** `postpone <deployment> [--until TIME]`: the one command with a positional argument. */
async function runPostpone(args: string[]): Promise<number> {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { ...common, until: { type: 'string' } }, strict: true, allowPositionals: true }) as typeof parsed;
  } catch (e) {
    throw new UsageError(messageOf(e));
  }
  if (parsed.values.help) {
    process.stdout.write(`${HELP.postpone}\n`);
    return 0;
  }
  const [deploymentId, ...extra] = parsed.positionals;
  if (!deploymentId || extra.length > 0) throw new UsageError('postpone takes one deployment id: postpone <deployment> [--until TIME]');
  return postpone({ stateDir: resolveStateDir(str(parsed.values['state-dir'])), deploymentId, until: str(parsed.values.until) });
}

/** The file this agent runs from (the downloaded single file, or agent/cli.ts under tsx). */
const selfFile = () => path.resolve(process.argv[1] ?? '');

/** `service install|uninstall [--scope user|system] [--every MIN] [--platform P] [--dry-run|--print]`. */
async function runService(args: string[]): Promise<number> {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options: {
        ...common,
        scope: { type: 'string' },
        every: { type: 'string' },
        platform: { type: 'string' },
        'agent-file': { type: 'string' },
        'dry-run': { type: 'boolean' },
        print: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: true,
    }) as typeof parsed;
  } catch (e) {
    throw new UsageError(messageOf(e));
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(`${HELP.service}\n`);
    return 0;
  }
  const [action, ...extra] = parsed.positionals;
  if ((action !== 'install' && action !== 'uninstall') || extra.length > 0) throw new UsageError('service takes install or uninstall');
  const scope = str(v.scope) ?? 'user';
  if (scope !== 'user' && scope !== 'system') throw new UsageError('--scope is user or system');
  const everyMinutes = Number(str(v.every) ?? '60');
  if (!Number.isInteger(everyMinutes) || everyMinutes < 5 || everyMinutes > 1440) throw new UsageError('--every takes minutes, 5 to 1440');
  const platform = (str(v.platform) ?? currentPlatform()) as ServicePlatform;
  if (!['linux', 'macos', 'windows'].includes(platform)) throw new UsageError('--platform is linux, macos or windows');
  return service({
    action,
    platform,
    dryRun: v['dry-run'] === true || v.print === true,
    spec: {
      node: process.execPath,
      agentFile: path.resolve(str(v['agent-file']) ?? selfFile()),
      stateDir: resolveStateDir(str(v['state-dir'])),
      everyMinutes,
      scope,
    },
  });
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = rest[0];
    const text = topic && topic !== 'main' && topic in HELP ? HELP[topic as keyof typeof HELP] : HELP.main;
    process[command === undefined ? 'stderr' : 'stdout'].write(`${text}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    process.stdout.write(`${AGENT_VERSION}\n`);
    return 0;
  }
  if (command === 'postpone') return runPostpone(rest);
  if (command === 'service') return runService(rest);
  if (command !== 'enroll' && command !== 'sync' && command !== 'status' && command !== 'update') {
    throw new UsageError(`unknown command "${command}"`);
  }

  const extra: Options =
    command === 'enroll'
      ? {
          server: { type: 'string' },
          code: { type: 'string' },
          hostname: { type: 'string' },
          serial: { type: 'string' },
          ...installOptions,
        }
      : command === 'sync'
        ? { ...installOptions, 'limit-rate': { type: 'string' } }
        : command === 'update'
          ? { server: { type: 'string' }, file: { type: 'string' } }
          : {};
  const values = parse(rest, extra);
  if (values.help) {
    process.stdout.write(`${HELP[command]}\n`);
    return 0;
  }
  const stateDir = resolveStateDir(str(values['state-dir']));
  if (command === 'status') return status(stateDir);
  if (command === 'update') return update({ stateDir, server: str(values.server), file: str(values.file) ?? selfFile() });
  if (command === 'sync') {
    const limitRate = parseRate(str(values['limit-rate']));
    return sync({
      stateDir,
      installDir: str(values['install-dir']),
      installCommand: str(values['install-command']),
      uninstallCommand: str(values['uninstall-command']),
      limitRate,
    });
  }

  const server = str(values.server);
  const code = str(values.code);
  if (!server || !code) throw new UsageError('enroll needs --server URL and --code CODE');
  return enroll({
    server,
    code,
    stateDir,
    hostname: str(values.hostname),
    serial: str(values.serial),
    installCommand: str(values['install-command']),
    uninstallCommand: str(values['uninstall-command']),
    installDir: str(values['install-dir']),
  });
}

// Exit through process.exit on Ctrl-C / TERM so the 'exit' handlers run (the sync lock is
// released); a partial download stays as a .part file and resumes next time.
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\nRun "npm run agent -- --help" for usage.\n`);
      process.exit(2);
    }
    if (e instanceof ConfigError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`error: ${e instanceof AgentFailure ? e.message : messageOf(e)}\n`);
    process.exit(1);
  },
);
