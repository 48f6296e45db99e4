import { expect, test } from '@playwright/test';
import { approvalTokens } from '../support/mail';
import { sentMail } from './mail';
import { addDevice, demo, signIn } from './support';

const shots = '/work/shots/approve';
const tag = Date.now().toString(36);
const hostname = `mail-link-${tag}`;

test.setTimeout(90_000); // about 30 s alone; more on a loaded machine

test('an approver approves from the real e-mail without signing in; the link works once', async ({ page, browser }) => {
  // Alice asks for a seat-limited product on a device of her own; the product page says how many seats are left first.
  await signIn(page, demo.requester);
  await addDevice(page, hostname, 'macOS Apple silicon');
  await page.goto('/catalogue/intellij-idea');
  await expect(page.getByTestId('seats-left')).toHaveText(/^\d+ of 25 licence seats left\./);
  await page.screenshot({ path: `${shots}/seats-left-1280.png` });
  const another = page.getByText('Request it for another device');
  if (await another.isVisible()) await another.click();
  const device = page.getByLabel('Device');
  await device.selectOption((await device.locator('option', { hasText: hostname }).getAttribute('value'))!);
  const why = `Kotlin services, ticket ${tag}`;
  await page.getByLabel('Why do you need it?').fill(why);
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
  const requestPath = new URL(page.url()).pathname;

  // Maria's mail, as the SMTP server received it.
  await expect.poll(() => approvalTokens(sentMail(), demo.approver, why), { timeout: 20_000 }).toBeDefined();
  const { mail } = approvalTokens(sentMail(), demo.approver, why)!;
  const approveUrl = /http:\/\/\S+\/approval-link\/\S+\?decision=approve/.exec(mail.text)![0];
  expect(new URL(approveUrl).origin).toBe(new URL(page.url()).origin);

  // No session: the link is the credential. Opened twice (a mail scanner, then Maria), it decides nothing.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const first = await phone.newPage();
  const second = await phone.newPage();
  for (const p of [first, second]) {
    const response = await p.goto(approveUrl);
    expect(response?.status()).toBe(200);
    await expect(p.getByRole('heading', { level: 1 })).toHaveText(/Approve Alice Anders’s request for IntelliJ IDEA Ultimate/);
  }
  await first.screenshot({ path: `${shots}/approval-link-390.png`, fullPage: true });
  await first.getByRole('button', { name: 'Approve' }).click();
  await expect(first.getByTestId('link-decided')).toHaveText('Approved. The requester has been told.');

  // The second tab, still showing the form: refused, "already used".
  await second.getByRole('button', { name: 'Approve' }).click();
  await expect(second.getByTestId('form-error')).toHaveText(/already used/);
  // And opening it again: a friendly 404, nothing decided.
  const again = await second.goto(approveUrl);
  expect(again?.status()).toBe(404);
  await expect(second.getByRole('heading', { level: 1 })).toHaveText('This approval link can no longer be used');
  await second.screenshot({ path: `${shots}/approval-link-used-390.png`, fullPage: true });
  await phone.close();

  // Alice's request page shows Maria's approval once.
  await page.goto(requestPath);
  await expect(page.getByTestId('history')).toContainText('Maria Manager');
  await expect(page.getByTestId('request-status').first()).not.toHaveText('Pending approval');
});
