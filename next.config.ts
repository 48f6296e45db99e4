import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // PGlite ships WASM + data files that must be loaded from node_modules at run time, and
  // argon2 is a native addon: neither can be bundled.
  serverExternalPackages: ['@electric-sql/pglite', '@node-rs/argon2'],
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with a 403 when a page's own role check fails.
  experimental: { authInterrupts: true },
};

export default nextConfig;
