import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// Single sign-on end to end: the app (as in playwright.config.ts, same port and build folder
// scheme) configured for a real OpenID provider (test/e2e-sso/idp.mjs) started beside it.
const port = Number(process.env.E2E_PORT);
process.env.IDP_PORT ??= String(port + 1000);
export const idpURL = `http://127.0.0.1:${process.env.IDP_PORT}`;
export const SCIM_TOKEN = 'e2e-only-scim-token-0123456789abcdefghij';
const appServer = Array.isArray(base.webServer) ? base.webServer[0]! : base.webServer!;
// Next.js reports 127.0.0.1 to route handlers as "localhost" (NextURL), while a server action sees
// the Host header: so the app, the browser and the IdP all use "localhost", and AUTH_URL pins it, or
// the redirect URI of the token request would differ from the authorisation request's.
const appBase = `http://localhost:${port}`;
const clientSecret = 'e2e-only-client-secret-0123456789';

export default defineConfig({
  ...base,
  testDir: 'test/e2e-sso',
  use: { ...base.use, baseURL: appBase },
  outputDir: `test-results/e2e-sso-${port}`,
  webServer: [
    {
      command: 'node test/e2e-sso/idp.mjs',
      url: `${idpURL}/.well-known/openid-configuration`,
      timeout: 30_000,
      reuseExistingServer: false,
      env: { IDP_PORT: process.env.IDP_PORT, APP_BASE_URL: appBase, IDP_CLIENT_SECRET: clientSecret },
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      ...appServer,
      env: {
        ...appServer.env,
        AUTH_URL: `${appBase}/api/auth`,
        OIDC_ISSUER: idpURL,
        OIDC_CLIENT_ID: 'portal',
        OIDC_CLIENT_SECRET: clientSecret,
        OIDC_SCOPES: 'openid email profile groups',
        OIDC_DISPLAY_NAME: 'Test IdP',
        OIDC_GROUP_MAP: JSON.stringify({
          'portal-approvers': { roles: ['approver'], groups: ['IT Operations'] },
          'portal-librarians': { roles: ['librarian'] },
          'portal-admins': { roles: ['admin'] },
        }),
        SCIM_TOKEN,
      },
    },
  ],
});
