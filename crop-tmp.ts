// Screenshots of one region (clip) for close inspection.
import { chromium } from '@playwright/test';
const base = 'http://127.0.0.1:3555';
const [path, out, x, y, w, h, vw] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const page = await browser.newPage({ viewport: { width: Number(vw ?? 1280), height: 900 } });
await page.goto(`${base}/sign-in`);
await page.getByLabel('Email').fill(process.env.WHO ?? 'desk@example.com');
await page.getByLabel('Password').fill('portal-demo');
await page.getByRole('button', { name: 'Sign in' }).click();
await page.getByTestId('signed-in-user').waitFor();
const r = await page.goto(`${base}${path}`, { waitUntil: 'networkidle' });
console.log(r?.status());
await page.screenshot({ path: out!, fullPage: true, clip: { x: Number(x), y: Number(y), width: Number(w), height: Number(h) } });
await browser.close();
