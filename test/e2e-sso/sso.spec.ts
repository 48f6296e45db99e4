import { expect, test, type Page } from '@playwright/test';
import { idpURL, SCIM_TOKEN } from '../../playwright.sso.config';

const scim = (path: string, init: RequestInit = {}, baseURL: string) =>
  fetch(`${baseURL}/scim/v2${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${SCIM_TOKEN}`, 'Content-Type': 'application/scim+json' },
  });
const setIdpAccount = (id: string, claims: Record<string, unknown>) =>
  fetch(`${idpURL}/__test/accounts/${id}`, { method: 'POST', body: JSON.stringify(claims) });

/** From the portal's sign-in page through the IdP's login (and consent) back to the portal. */
async function signInAtIdp(page: Page, login: string) {
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Sign in with Test IdP' }).click();
  await page.waitForURL(`${idpURL}/**`);
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  // The IdP asks for consent on the first sign-in of a session; then it is back at the portal.
  const consent = page.getByRole('button', { name: 'Continue' });
  const back = page.getByTestId('signed-in-user').or(page.getByTestId('sso-error'));
  await expect(consent.or(back).first()).toBeVisible({ timeout: 30_000 });
  if (await consent.isVisible()) await consent.click();
  await expect(back.first()).toBeVisible({ timeout: 30_000 });
}

/** Tampers with one parameter of the authorisation request on its way to the IdP. */
async function tamperAuthorisation(page: Page, param: 'state' | 'nonce') {
  const idp = new URL(idpURL);
  await page.route(
    (url) => url.origin === idp.origin && url.pathname === '/auth',
    (route) => {
      const url = new URL(route.request().url());
      url.searchParams.set(param, 'tampered-by-an-attacker');
      return route.continue({ url: url.toString() });
    },
  );
}

test('the sign-in page offers the IdP first and local accounts second', async ({ page }) => {
  await page.goto('/sign-in');
  const sso = page.getByRole('button', { name: 'Sign in with Test IdP' });
  const local = page.getByRole('button', { name: 'Sign in', exact: true });
  await expect(sso).toBeVisible();
  await expect(local).toBeVisible();
  const [ssoBox, localBox] = [await sso.boundingBox(), await local.boundingBox()];
  expect(ssoBox!.y).toBeLessThan(localBox!.y);
});

test('signs in through the IdP with roles from groups; a group removed at the IdP takes the role away', async ({
  page,
  baseURL,
  browser,
}) => {
  await signInAtIdp(page, 'carol');
  await expect(page.getByTestId('signed-in-user')).toContainText('Carol Chen');
  await expect(page.getByRole('link', { name: 'Approvals' })).toBeVisible();

  // The IdP pushes the removal over SCIM: the role is gone at the next request, no new sign-in.
  const found = await (await scim(`/Users?filter=${encodeURIComponent('userName eq "carol@example.com"')}`, {}, baseURL!)).json();
  const carolId = found.Resources[0].id;
  const group = await scim(
    '/Groups',
    {
      method: 'POST',
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'portal-approvers',
        members: [{ value: carolId }],
      }),
    },
    baseURL!,
  );
  expect(group.status).toBe(201);
  const { id: groupId } = await group.json();
  const removed = await scim(
    `/Groups/${groupId}`,
    {
      method: 'PATCH',
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'remove', path: `members[value eq "${carolId}"]` }],
      }),
    },
    baseURL!,
  );
  expect(removed.status).toBe(200);
  await page.reload();
  await expect(page.getByTestId('signed-in-user')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Approvals' })).toHaveCount(0);

  // At the IdP itself: another group from the next sign-in on.
  await setIdpAccount('carol', { groups: ['portal-librarians'] });
  const context = await browser.newContext({ baseURL });
  const fresh = await context.newPage();
  await signInAtIdp(fresh, 'carol');
  await expect(fresh.getByRole('link', { name: 'Library' })).toBeVisible();
  await expect(fresh.getByRole('link', { name: 'Approvals' })).toHaveCount(0);
  await context.close();
});

for (const param of ['state', 'nonce'] as const) {
  test(`a wrong ${param} is refused`, async ({ page }) => {
    await tamperAuthorisation(page, param);
    await signInAtIdp(page, 'bobby');
    await expect(page).toHaveURL(/\/sign-in/);
    await expect(page.getByTestId('sso-error')).toBeVisible();
    await expect(page.getByTestId('signed-in-user')).toHaveCount(0);
    await page.goto('/catalogue');
    await expect(page).toHaveURL(/\/sign-in/);
  });
}

test('an unverified e-mail is not linked to the account that has it', async ({ page }) => {
  await signInAtIdp(page, 'mallory');
  await expect(page.getByTestId('sso-error')).toContainText('has not verified your e-mail');
  await page.goto('/catalogue');
  await expect(page).toHaveURL(/\/sign-in/);
});
