'use client';

import { useState } from 'react';
import type { ShownCode } from './actions';
import { agentSetupCommands, type AgentDownload } from './agent-commands';

export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      aria-label={label}
      onClick={() => navigator.clipboard.writeText(value).then(() => setCopied(true))}
      className="shrink-0 rounded-md border border-emerald-300 bg-white px-3 py-1 text-xs font-medium hover:bg-emerald-100"
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

/** The one showing of an enrolment code, with the exact command that uses it. */
export function EnrolmentCodePanel({ shown, origin, agent }: { shown: ShownCode; origin: string; agent: AgentDownload }) {
  // The served single-file agent when this portal has one built; else the agent from a checkout.
  const command = agent ? agentSetupCommands(origin, agent, shown.code) : `npm run agent -- enroll --server ${origin} --code ${shown.code}`;
  // UTC, like every time on the portal's pages.
  const until = `${new Date(shown.expiresAt).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' })} UTC`;
  return (
    <div
      role="status"
      data-testid="enrolment-code-panel"
      className="rounded-md border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-900"
    >
      <p className="font-medium">Enrolment code for {shown.hostname}</p>
      <p className="mt-1">
        It works once, until {until} (15 minutes), and is shown only now. On the device (with Node.js 20 or later), run:
      </p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <code data-testid="enrolment-code" className="rounded bg-white px-3 py-1 font-mono text-lg tracking-widest ring-1 ring-emerald-200">
          {shown.code}
        </code>
        <CopyButton value={shown.code} label="Copy code" />
      </div>
      <div className="mt-3 flex items-start gap-2">
        <code
          data-testid="enrol-command"
          className="block grow select-all whitespace-pre-wrap break-all rounded bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100"
        >
          {command}
        </code>
        <CopyButton value={command} label="Copy command" />
      </div>
    </div>
  );
}
