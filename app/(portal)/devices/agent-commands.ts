/** The served agent as the devices page describes it (see lib/agent-dist/served.ts). */
export type AgentDownload = { version: string; sha256: string; url: string } | null;

/**
 * What a person pastes on the device: download the agent from this portal, check its SHA-256
 * against the one shown here, then enrol with it. Needs only curl, sha256sum and Node.js 20+.
 */
export function agentSetupCommands(origin: string, agent: NonNullable<AgentDownload>, code = 'CODE'): string {
  return [
    `curl -fsSLo portal-agent.mjs ${origin}${agent.url}`,
    `echo "${agent.sha256}  portal-agent.mjs" | sha256sum -c -`,
    `node portal-agent.mjs enroll --server ${origin} --code ${code}`,
  ].join('\n');
}
