import { agentSetupCommands, type AgentDownload } from './agent-commands';
import { CopyButton } from './enrolment-code';

/** The portal agent to put on a device: its version, SHA-256 and the commands to fetch, check and enrol it. */
export function AgentDownloadPanel({ origin, agent }: { origin: string; agent: AgentDownload }) {
  if (!agent) {
    return (
      <p className="text-sm text-amber-900">
        The portal agent has not been built on this server (run <code>npm run build:agent</code>); devices can use it from a checkout.
      </p>
    );
  }
  const commands = agentSetupCommands(origin, agent);
  return (
    <div className="space-y-3 text-sm" data-testid="agent-download">
      <p className="text-slate-700">
        One file for Node.js 20 or later:{' '}
        <a href={agent.url} className="font-medium text-indigo-700 underline" download>
          portal-agent.mjs
        </a>{' '}
        version <span data-testid="agent-version">{agent.version}</span>. Check it before you run it; its SHA-256 is
      </p>
      <code data-testid="agent-sha256" className="block break-all rounded bg-slate-100 px-3 py-2 font-mono text-xs text-slate-900">
        {agent.sha256}
      </code>
      <p className="text-slate-700">
        Add the device below to get its one-time code; then on the device run (with the code in place of CODE):
      </p>
      <div className="flex items-start gap-2">
        <code
          data-testid="agent-commands"
          className="block min-w-0 grow select-all whitespace-pre-wrap break-all rounded bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100"
        >
          {commands}
        </code>
        <CopyButton value={commands} label="Copy agent commands" />
      </div>
      <p className="text-slate-700">
        Then <code className="rounded bg-slate-100 px-1">node portal-agent.mjs service install</code> syncs it every hour (systemd, launchd
        or Task Scheduler), and <code className="rounded bg-slate-100 px-1">node portal-agent.mjs update</code> keeps it current.
      </p>
    </div>
  );
}
