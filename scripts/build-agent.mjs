// Bundles agent/cli.ts into ONE self-contained ES module for Node.js 20+ (no checkout, no
// npm install on the device): .agent-dist/portal-agent.mjs, plus portal-agent.json with its
// version and SHA-256 for the add-device page and GET /api/v1/agent. Run by `npm run build`
// (and by `npm run dev` when missing). The output is deterministic — no timestamps, paths or
// source maps — so every instance of a cluster built from the same commit serves identical bytes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, '.agent-dist');
const outFile = path.join(outDir, 'portal-agent.mjs');
const metaFile = path.join(outDir, 'portal-agent.json');

if (process.argv.includes('--if-missing') && existsSync(outFile) && existsSync(metaFile)) process.exit(0);

const result = await build({
  entryPoints: [path.join(root, 'agent/cli.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  write: false,
  legalComments: 'none',
  sourcemap: false,
  // Relative paths in any generated comments, never this machine's checkout path.
  absWorkingDir: root,
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
const bytes = result.outputFiles[0].contents;
const version = /AGENT_VERSION = '([^']+)'/.exec(readFileSync(path.join(root, 'agent/version.ts'), 'utf8'))?.[1];
if (!version) throw new Error('agent/version.ts has no AGENT_VERSION');
const sha256 = createHash('sha256').update(bytes).digest('hex');

mkdirSync(outDir, { recursive: true });
// Via temporary names: a server reading the folder meanwhile never sees half a file.
writeFileSync(`${outFile}.tmp`, bytes, { mode: 0o755 });
renameSync(`${outFile}.tmp`, outFile);
writeFileSync(`${metaFile}.tmp`, JSON.stringify({ version, sha256, sizeBytes: bytes.byteLength }, null, 2) + '\n');
renameSync(`${metaFile}.tmp`, metaFile);
process.stdout.write(`agent bundled: .agent-dist/portal-agent.mjs ${version} sha256 ${sha256} (${bytes.byteLength} bytes)\n`);
