import { eq } from 'drizzle-orm';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { seedIcons } from '@/db/seed-icons';
import { auditEvents, products, productScreenshots } from '@/db/schema';
import { checkImage } from '@/lib/catalogue/image-check';
import { readProductIcon } from '@/lib/catalogue/icons';
import { ICON_MAX_BYTES, SCREENSHOT_MAX_BYTES, SCREENSHOTS_PER_PRODUCT } from '@/lib/catalogue/product-schema';
import { setProductIcon } from '@/lib/catalogue/products';
import { addScreenshot, listScreenshots, moveScreenshot, readScreenshot, removeScreenshot } from '@/lib/catalogue/screenshots';
import { getProduct } from '@/lib/catalogue/service';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
const WEBP = new TextEncoder().encode('RIFF\x10\x00\x00\x00WEBPVP8 ');
const utf8 = (s: string) => new TextEncoder().encode(s);
const svg = (body: string, attrs = '') => utf8(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"${attrs}>${body}</svg>`);
const productId = async (slug: string) => (await db().query.products.findFirst({ where: eq(products.slug, slug) }))!.id;
const iconOpts = { field: 'icon', maxBytes: ICON_MAX_BYTES, allowSvg: true, what: 'An icon' };

describe('image type is read from the bytes, never the name', () => {
  it('knows PNG, JPEG and WebP by their signatures', () => {
    expect(checkImage(PNG, iconOpts)).toBe('image/png');
    expect(checkImage(JPEG, iconOpts)).toBe('image/jpeg');
    expect(checkImage(WEBP, iconOpts)).toBe('image/webp');
  });

  it('refuses other bytes: an HTML page, a RIFF that is not WebP (a WAV), an executable, empty', () => {
    for (const bytes of [
      utf8('<html><script>alert(1)</script></html>'),
      utf8('RIFF\x10\x00\x00\x00WAVEfmt '),
      utf8('MZ\x90\x00'),
      new Uint8Array(),
    ]) {
      expect(() => checkImage(bytes, iconOpts)).toThrow(ValidationError);
    }
  });

  it('accepts a plain SVG icon, and every icon the seed ships', () => {
    expect(checkImage(svg('<circle cx="4" cy="4" r="3" fill="#123"/>'), iconOpts)).toBe('image/svg+xml');
    expect(checkImage(utf8(`<?xml version="1.0"?>\n<!-- made by hand -->\n${new TextDecoder().decode(svg(''))}`), iconOpts)).toBe(
      'image/svg+xml',
    );
    for (const [slug, icon] of Object.entries(seedIcons)) expect(checkImage(utf8(icon), iconOpts), slug).toBe('image/svg+xml');
  });

  it.each([
    ['a script element', svg('<script>alert(1)</script>')],
    ['an onload handler', svg('', ' onload="alert(1)"')],
    ['a handler after a newline', svg('<rect\nonclick="alert(1)"/>')],
    ['a javascript: link', svg('<a href="javascript:alert(1)"><rect/></a>')],
    ['an xlink to another site', svg('<use xlink:href="https://evil.example/x.svg#a"/>')],
    ['foreignObject HTML', svg('<foreignObject><iframe src="https://evil.example"/></foreignObject>')],
    ['an entity declaration', utf8('<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>')],
    ['a remote stylesheet', svg('<style>@import url(https://evil.example/a.css);</style>')],
    ['a data: image', svg('<image href="data:image/svg+xml;base64,PHN2Zz4="/>')],
    ['an animation that sets a script URL', svg('<set attributeName="href" to="javascript:alert(1)"/>')],
  ])('refuses an SVG with %s', (_, bytes) => {
    expect(() => checkImage(bytes, iconOpts)).toThrow(/SVG contains/);
  });

  it('refuses SVG where only raster images are allowed (screenshots)', () => {
    expect(() => checkImage(svg(''), { ...iconOpts, field: 'screenshot', allowSvg: false })).toThrow(/PNG, JPEG or WebP/);
  });

  it('refuses images over the size limit', () => {
    const big = new Uint8Array(ICON_MAX_BYTES + 1);
    big.set(PNG);
    expect(() => checkImage(big, iconOpts)).toThrow(/at most 256 KiB/);
  });
});

describe(`product icons and screenshots (${engine})`, { timeout: 60_000 }, () => {
  it('stores an SVG icon and serves it, as SVG, to those who may see the product', async () => {
    const lena = await actor('librarian@example.com');
    await setProductIcon(lena, await productId('gimp'), svg('<rect width="8" height="8" fill="#0a0"/>'));
    const icon = await readProductIcon(await actor('alice@example.com'), 'gimp');
    expect(icon.mediaType).toBe('image/svg+xml');
    expect(await text(icon.body)).toContain('<rect');
  });

  it('stores nothing for a hostile SVG and names the icon field', async () => {
    const lena = await actor('librarian@example.com');
    const id = await productId('inkscape');
    const before = await db().query.products.findFirst({ where: eq(products.id, id) });
    await expect(setProductIcon(lena, id, svg('', ' onload="alert(1)"'))).rejects.toMatchObject({ field: 'icon' });
    expect((await db().query.products.findFirst({ where: eq(products.id, id) }))!.iconKey).toBe(before!.iconKey);
  });

  it('lets only librarians and admins add, move and remove screenshots', async () => {
    const alice = await actor('alice@example.com');
    const id = await productId('blender');
    await expect(addScreenshot(alice, id, PNG, 'Main window')).rejects.toBeInstanceOf(ForbiddenError);
    expect(await db().$count(productScreenshots, eq(productScreenshots.productId, id))).toBe(0);
    await addScreenshot(await actor('librarian@example.com'), id, PNG, 'Main window');
    const [shot] = await listScreenshots(id, 'blender');
    await expect(removeScreenshot(alice, shot!.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(moveScreenshot(alice, shot!.id, 'down')).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('requires alt text, sniffs the type, limits the size, and names the field at fault', async () => {
    const lena = await actor('librarian@example.com');
    const id = await productId('wireshark');
    await expect(addScreenshot(lena, id, PNG, '   ')).rejects.toMatchObject({ field: 'altText' });
    await expect(addScreenshot(lena, id, utf8('<html>not a picture</html>'), 'A page')).rejects.toMatchObject({ field: 'screenshot' });
    await expect(addScreenshot(lena, id, svg(''), 'An SVG')).rejects.toMatchObject({ field: 'screenshot' });
    const big = new Uint8Array(SCREENSHOT_MAX_BYTES + 1);
    big.set(PNG);
    await expect(addScreenshot(lena, id, big, 'Too big')).rejects.toMatchObject({ field: 'screenshot' });
    expect(await db().$count(productScreenshots, eq(productScreenshots.productId, id))).toBe(0);
  });

  it('keeps screenshots in order, moves them, caps their number, and audits each change', async () => {
    const lena = await actor('librarian@example.com');
    const id = await productId('obsidian');
    for (let i = 1; i <= SCREENSHOTS_PER_PRODUCT; i++) await addScreenshot(lena, id, i % 2 ? PNG : JPEG, `Shot ${i}`);
    await expect(addScreenshot(lena, id, WEBP, 'One too many')).rejects.toMatchObject({ field: 'screenshot' });
    let shots = await listScreenshots(id, 'obsidian');
    expect(shots.map((s) => s.altText)).toEqual(['Shot 1', 'Shot 2', 'Shot 3', 'Shot 4', 'Shot 5', 'Shot 6']);
    await moveScreenshot(lena, shots[2]!.id, 'up');
    await moveScreenshot(lena, shots[0]!.id, 'up'); // already first: nothing happens
    shots = await listScreenshots(id, 'obsidian');
    expect(shots.map((s) => s.altText)).toEqual(['Shot 1', 'Shot 3', 'Shot 2', 'Shot 4', 'Shot 5', 'Shot 6']);
    await removeScreenshot(lena, shots[0]!.id);
    expect((await listScreenshots(id, 'obsidian')).map((s) => s.altText)).toEqual(['Shot 3', 'Shot 2', 'Shot 4', 'Shot 5', 'Shot 6']);
    const actions = (await db().select().from(auditEvents).where(eq(auditEvents.entityId, id))).map((a) => a.action);
    expect(actions.filter((a) => a === 'product.screenshot_added')).toHaveLength(SCREENSHOTS_PER_PRODUCT);
    expect(actions).toContain('product.screenshot_removed');
  });

  it('shows screenshots on the product page, served only to those who may see the product', async () => {
    const lena = await actor('librarian@example.com');
    await addScreenshot(lena, await productId('adobe-photoshop'), PNG, 'Layers panel');
    const bob = await actor('bob@example.com');
    const page = await getProduct(bob, 'adobe-photoshop');
    expect(page.screenshots.map((s) => s.altText)).toEqual(['Layers panel']);
    const served = await readScreenshot(bob, 'adobe-photoshop', page.screenshots[0]!.id);
    expect(served.mediaType).toBe('image/png');
    await expect(readScreenshot(await actor('alice@example.com'), 'adobe-photoshop', page.screenshots[0]!.id)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    // Another product's slug with this screenshot's id reveals nothing either.
    await expect(readScreenshot(bob, 'gimp', page.screenshots[0]!.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
