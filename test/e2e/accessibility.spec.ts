import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { demo, signIn } from './support';

/**
 * Axe on every main page, for each role that uses it, on a desktop and on a phone. Serious and
 * critical violations fail the suite; each is listed with the elements at fault.
 */
const pagesByRole: Record<keyof typeof demo, string[]> = {
  requester: ['/catalogue', '/catalogue/firefox', '/catalogue/keepassxc', '/requests', '/devices', '/approvals'],
  approver: ['/approvals', '/approvals/delegation', '/approvals/deployments', '/catalogue/intellij-idea'],
  librarian: [
    '/library',
    '/library/products/firefox',
    '/library/products/firefox/edit',
    '/library/products/new',
    '/library/products/keepassxc',
    '/library/components?name=zlib',
    '/library/supplier-import',
  ],
  desk: ['/desk', '/desk?source=supplier', '/desk/products/firefox', '/desk/drift', '/desk/advisories', '/desk/supplier-work'],
  admin: ['/admin', '/admin/suppliers', '/admin/audit', '/admin/groups', '/admin/jobs', '/admin/advisories', '/deployments/environments'],
  deployments: ['/deployments', '/deployments/new', '/deployments/calendar', '/deployments/targets', '/deployments/targets/new'],
  changes: ['/changes'],
  supplier: ['/supplier'],
};
// The requester's /approvals is the 403 page; /no-such-page is the 404 page.
const extra = ['/no-such-page'];

const viewports = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];

async function seriousViolations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`);
}

test('the sign-in page has no serious accessibility violations, on a desktop and a phone', async ({ page }) => {
  for (const vp of viewports) {
    await page.setViewportSize(vp);
    await page.goto('/sign-in');
    expect(await seriousViolations(page), `/sign-in at ${vp.name}`).toEqual([]);
  }
});

for (const role of Object.keys(pagesByRole) as (keyof typeof demo)[]) {
  test(`${role}: every main page has no serious accessibility violations, on a desktop and a phone`, async ({ page }) => {
    test.setTimeout(240_000); // a dozen full-page analyses
    await signIn(page, demo[role]);
    const found: string[] = [];
    for (const vp of viewports) {
      await page.setViewportSize(vp);
      for (const path of [...pagesByRole[role], ...extra]) {
        await page.goto(path);
        for (const v of await seriousViolations(page)) found.push(`${path} at ${vp.name}: ${v}`);
      }
    }
    expect(found, found.join('\n')).toEqual([]);
  });
}
