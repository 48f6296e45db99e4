// A real OpenID provider for the single sign-on end-to-end tests (oidc-provider), on plain HTTP
// at 127.0.0.1 (Auth.js allows that). Its built-in development login page takes any login name
// as the account id. Tests change an account's claims with POST /__test/accounts/<id>.
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.IDP_PORT);
const issuer = `http://127.0.0.1:${port}`;
const redirect = `${process.env.APP_BASE_URL}/api/auth/callback/oidc`;

const accounts = {
  carol: { email: 'carol@example.com', email_verified: true, name: 'Carol Chen', groups: ['portal-approvers'] },
  // Claims alice's address without the IdP having verified it: must never be linked to alice.
  mallory: { email: 'alice@example.com', email_verified: false, name: 'Mallory', groups: ['portal-admins'] },
  bobby: { email: 'bob@example.com', email_verified: true, name: 'Bob Berg', groups: [] },
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'portal',
      client_secret: process.env.IDP_CLIENT_SECRET,
      redirect_uris: [redirect],
      response_types: ['code'],
      grant_types: ['authorization_code'],
    },
  ],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  // Put the scopes' claims in the ID token itself, as Entra ID, Okta and Keycloak can be set to do.
  conformIdTokenClaims: false,
  cookies: { keys: ['e2e-only-cookie-key-0123456789'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, id) {
    const a = accounts[id];
    if (!a) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...a }) };
  },
});
// Say why a token request was refused: the app only hears "invalid_grant".
provider.on('grant.error', (_ctx, err) => console.error('idp grant.error:', err.error_detail ?? err.message));
const handle = provider.callback();

http
  .createServer((req, res) => {
    const m = /^\/__test\/accounts\/([a-z]+)$/.exec(req.url ?? '');
    if (req.method === 'POST' && m) {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        accounts[m[1]] = { ...accounts[m[1]], ...JSON.parse(body) };
        res.writeHead(204).end();
      });
      return;
    }
    handle(req, res);
  })
  .listen(port, '127.0.0.1');
