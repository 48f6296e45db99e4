import { expect, test } from '@playwright/test';
import { demo, signIn } from './support';

// Every page route of the portal, and who may open it. A new route must be added here.
const routes: { path: string; allowed: (keyof typeof demo)[] }[] = [
  { path: '/catalogue', allowed: ['requester', 'approver', 'librarian', 'desk', 'admin', 'deployments', 'changes'] },
  { path: '/catalogue/firefox', allowed: ['requester', 'approver', 'librarian', 'desk', 'admin', 'deployments', 'changes'] },
  { path: '/requests', allowed: ['requester', 'approver', 'librarian', 'desk', 'admin', 'deployments', 'changes'] },
  { path: '/devices', allowed: ['requester', 'approver', 'librarian', 'desk', 'admin', 'deployments', 'changes'] },
  { path: '/approvals', allowed: ['approver', 'changes'] },
  { path: '/approvals/delegation', allowed: ['approver', 'changes'] },
  { path: '/approvals/deployments', allowed: ['approver', 'changes'] },
  { path: '/library', allowed: ['librarian', 'admin'] },
  { path: '/desk', allowed: ['desk', 'admin'] },
  { path: '/desk/products/firefox', allowed: ['desk', 'admin'] },
  { path: '/desk/drift', allowed: ['desk', 'admin'] },
  { path: '/deployments', allowed: ['deployments', 'admin'] },
  { path: '/deployments/new', allowed: ['deployments', 'admin'] },
  { path: '/deployments/calendar', allowed: ['deployments', 'admin'] },
  { path: '/deployments/targets', allowed: ['deployments', 'admin'] },
  { path: '/deployments/environments', allowed: ['deployments', 'admin'] },
  // /desk/export answers with a download, which page.goto cannot open: desk.spec.ts checks its 403.
  { path: '/admin', allowed: ['admin'] },
  { path: '/admin/audit', allowed: ['admin'] },
  { path: '/admin/groups', allowed: ['admin'] },
  { path: '/admin/jobs', allowed: ['admin'] },
  { path: '/admin/suppliers', allowed: ['admin'] },
  { path: '/changes', allowed: ['changes', 'deployments', 'admin'] },
  { path: '/supplier', allowed: ['supplier'] },
];

const navigation: Record<keyof typeof demo, string[]> = {
  requester: ['Catalogue', 'My requests', 'My devices'],
  approver: ['Catalogue', 'My requests', 'My devices', 'Approvals'],
  librarian: ['Catalogue', 'My requests', 'My devices', 'Library'],
  desk: ['Catalogue', 'My requests', 'My devices', 'Service desk'],
  admin: ['Catalogue', 'My requests', 'My devices', 'Library', 'Service desk', 'Deployments', 'Changes', 'Admin'],
  deployments: ['Catalogue', 'My requests', 'My devices', 'Deployments', 'Changes'],
  changes: ['Catalogue', 'My requests', 'My devices', 'Approvals', 'Changes'],
  supplier: ['Supplier'],
};

for (const role of Object.keys(demo) as (keyof typeof demo)[]) {
  test(`${role}: sees only their navigation, and gets 403 from every other page`, async ({ page }) => {
    await signIn(page, demo[role]);
    const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
    await expect(links).toHaveText(navigation[role]);
    // At 1280 px the header is one row, however many areas the role reaches.
    await page.setViewportSize({ width: 1280, height: 800 });
    expect((await page.locator('header > div').boundingBox())!.height, `${role} header height`).toBeLessThan(72);

    for (const route of routes) {
      const response = await page.goto(route.path);
      if (route.allowed.includes(role)) {
        expect(response?.status(), `${role} → ${route.path}`).toBe(200);
        await expect(page.getByText('You don’t have access to this page')).toHaveCount(0);
      } else {
        expect(response?.status(), `${role} → ${route.path}`).toBe(403);
        await expect(page.getByRole('heading', { name: 'You don’t have access to this page' })).toBeVisible();
      }
    }
  });
}

test('a signed-out visitor is sent to sign in from every page', async ({ page }) => {
  for (const route of routes) {
    await page.goto(route.path);
    await expect(page, route.path).toHaveURL(/\/sign-in\?callbackUrl=/);
  }
});
