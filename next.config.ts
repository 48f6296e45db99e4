import type { NextConfig } from 'next';
import { securityHeaders } from './lib/security-headers';

const e2eDist = process.env.NEXT_DIST_DIR;

const nextConfig: NextConfig = {
  // PGlite ships WASM + data files that must be loaded from node_modules at run time, and
  // argon2 is a native addon: neither can be bundled. prom-client and pg-boss are loaded, not
  // bundled, so that every bundle of the process (instrumentation, App Router, Pages Router)
  // shares one copy.
  serverExternalPackages: ['@electric-sql/pglite', '@node-rs/argon2', 'prom-client', 'pg-boss'],
  // Bundled rather than loaded as an external ES module: the download endpoint under pages/api
  // would otherwise load next-auth's ESM build, whose bare 'next/server' import Node cannot resolve.
  transpilePackages: ['next-auth'],
  poweredByHeader: false,
  // Clickjacking, MIME sniffing and referrer leaks closed for every route; the page CSP (with its
  // per-request nonce) comes from proxy.ts.
  headers: async () => [{ source: '/:path*', headers: securityHeaders }],
  // The end-to-end tests build into a folder of their own (see playwright.config.ts), with a
  // tsconfig of their own for Next.js to add that folder's types to; `npm test` has already
  // type-checked the code by then.
  ...(e2eDist ? { distDir: e2eDist, typescript: { tsconfigPath: `${e2eDist}.tsconfig.json`, ignoreBuildErrors: true } } : {}),
  // forbidden() renders app/forbidden.tsx with a 403 when a page's own role check fails. Server
  // actions take up to 6 MB: the librarian's forms upload screenshots (2 MiB) and SBOMs (5 MB),
  // each checked against its own smaller limit by the service; artifacts never go through actions.
  experimental: { authInterrupts: true, serverActions: { bodySizeLimit: '6mb' } },
};

export default nextConfig;
