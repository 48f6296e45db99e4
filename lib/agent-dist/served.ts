import 'server-only';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError } from '@/lib/errors';

/** What the portal serves as "the agent": the file `npm run build` bundled (scripts/build-agent.mjs). */
export interface ServedAgent {
  version: string;
  sha256: string;
  sizeBytes: number;
  fileName: string;
  downloadUrl: string;
}

export const AGENT_FILE_NAME = 'portal-agent.mjs';
export const AGENT_DOWNLOAD_PATH = '/api/v1/agent/download';
const dist = () => path.join(process.cwd(), '.agent-dist');

const MISSING = 'The agent has not been built on this server; run `npm run build` (or `npm run build:agent`).';

/**
 * The bundled agent's bytes and description. The hash is computed from the bytes read, not taken
 * from the build's JSON, so what the page shows is what is served even if the file was replaced.
 */
export async function readServedAgent(): Promise<{ agent: ServedAgent; bytes: Buffer }> {
  let bytes: Buffer;
  let meta: unknown;
  try {
    [bytes, meta] = await Promise.all([
      readFile(path.join(dist(), AGENT_FILE_NAME)),
      readFile(path.join(dist(), 'portal-agent.json'), 'utf8').then((t) => JSON.parse(t) as unknown),
    ]);
  } catch {
    throw new NotFoundError(MISSING);
  }
  const version = typeof meta === 'object' && meta !== null && 'version' in meta && typeof meta.version === 'string' ? meta.version : '';
  const agent: ServedAgent = {
    version,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sizeBytes: bytes.byteLength,
    fileName: AGENT_FILE_NAME,
    downloadUrl: AGENT_DOWNLOAD_PATH,
  };
  return { agent, bytes };
}

export async function describeServedAgent(): Promise<ServedAgent | null> {
  try {
    return (await readServedAgent()).agent;
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
}
