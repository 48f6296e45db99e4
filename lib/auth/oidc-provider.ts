import type { OIDCConfig } from 'next-auth/providers';
import { env } from '@/lib/env';
import { oidcEnabled } from '@/lib/sso/settings';

/**
 * The organisation's OpenID provider (Entra ID, Okta, Keycloak…), configured by environment:
 * authorisation code flow with PKCE, state and nonce. Its redirect URI is
 * <APP_URL>/api/auth/callback/oidc. Who the person is in the portal is decided in the sign-in
 * callback (lib/sso/accounts.ts), not here.
 */
export function oidcProviders(): OIDCConfig<Record<string, unknown>>[] {
  if (!oidcEnabled()) return [];
  return [
    {
      id: 'oidc',
      name: env.OIDC_DISPLAY_NAME,
      type: 'oidc',
      issuer: env.OIDC_ISSUER,
      clientId: env.OIDC_CLIENT_ID,
      clientSecret: env.OIDC_CLIENT_SECRET,
      checks: ['pkce', 'state', 'nonce'],
      authorization: { params: { scope: env.OIDC_SCOPES } },
      profile: (claims) => ({ id: String(claims.sub), email: typeof claims.email === 'string' ? claims.email : null }),
    },
  ];
}
