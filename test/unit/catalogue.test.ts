import { describe, expect, it } from 'vitest';
import { catalogueQuery, CATALOGUE_PAGE_SIZE } from '@/lib/catalogue/schema';
import { getProduct, listCatalogue } from '@/lib/catalogue/service';
import { NotFoundError } from '@/lib/errors';
import { seedProducts } from '@/db/seed-data';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

setupTestDb();

const q = (input: Record<string, string | undefined>) => catalogueQuery.parse(input);
async function allNames(email: string, input: Record<string, string | undefined> = {}): Promise<string[]> {
  const a = await actor(email);
  const names: string[] = [];
  for (let page = 1; ; page++) {
    const r = await listCatalogue(a, q({ ...input, page: String(page) }));
    names.push(...r.items.map((i) => i.name));
    if (page >= r.pageCount) return names;
  }
}

// What a requester in no special group may see, computed from the demo data independently.
const openToEveryone = seedProducts.filter((p) => !p.visibleToGroups?.length && p.releases.some((r) => r.status === 'published'));

describe(`catalogue (${engine})`, () => {
  it('lists exactly the published, unrestricted products to a requester, by name, paged', async () => {
    const alice = await actor('alice@example.com'); // Engineering, Pilot Ring
    const first = await listCatalogue(alice, q({}));
    expect(first.items).toHaveLength(CATALOGUE_PAGE_SIZE);
    expect(first.total).toBe(openToEveryone.length);
    expect(first.pageCount).toBe(Math.ceil(openToEveryone.length / CATALOGUE_PAGE_SIZE));
    const names = await allNames('alice@example.com');
    expect(names).toEqual(openToEveryone.map((p) => p.name).sort((a, b) => a.localeCompare(b, 'en')));
  });

  it('searches name, publisher and description, case-insensitively', async () => {
    expect(await allNames('alice@example.com', { q: 'firefox' })).toEqual(['Mozilla Firefox']);
    expect(await allNames('alice@example.com', { q: 'JETBRAINS' })).toEqual(['IntelliJ IDEA Ultimate']);
    // Only the description of Wireshark speaks of packet capture.
    const byDescription = await allNames('alice@example.com', { q: 'packet' });
    expect(byDescription).toContain('Wireshark');
    // LIKE wildcards in the query are taken literally.
    expect(await allNames('alice@example.com', { q: '%' })).toEqual([]);
    expect(await allNames('alice@example.com', { q: 'no such software anywhere' })).toEqual([]);
  });

  it('filters by category and by platform of the published releases', async () => {
    const browsers = await allNames('alice@example.com', { category: 'Browsers' });
    expect(browsers).toEqual(['Brave Browser', 'Google Chrome', 'Microsoft Edge', 'Mozilla Firefox']);

    const linuxArm = await allNames('alice@example.com', { platform: 'linux-arm64' });
    const expected = openToEveryone
      .filter((p) => p.releases.some((r) => r.status === 'published' && r.platforms.includes('linux-arm64')))
      .map((p) => p.name)
      .sort((a, b) => a.localeCompare(b, 'en'));
    expect(linuxArm).toEqual(expected);
    expect(linuxArm).not.toContain('Notepad++');

    const windowsDesign = await allNames('alice@example.com', { category: 'Design', platform: 'windows-x64' });
    expect(windowsDesign.length).toBeGreaterThan(0);
    expect(windowsDesign).not.toContain('Adobe Photoshop'); // restricted to Design, Alice is not in it
  });

  it('ignores malformed filter values rather than failing, and shortens a long search instead of dropping it', async () => {
    const parsed = q({ platform: 'amiga-68k', page: '-3', q: 'x'.repeat(500) });
    expect(parsed).toEqual({ q: 'x'.repeat(100), category: '', platform: undefined, page: 1 });
    expect(q({ q: 'bad\u0000byte' }).q).toBe('');
  });

  it('never shows a group-restricted product outside its groups, not even by URL', async () => {
    const alice = await actor('alice@example.com');
    const bob = await actor('bob@example.com'); // Design
    expect(await allNames('alice@example.com')).not.toContain('Adobe Photoshop');
    await expect(getProduct(alice, 'adobe-photoshop')).rejects.toBeInstanceOf(NotFoundError);
    expect(await allNames('bob@example.com')).toContain('Adobe Photoshop');
    expect((await getProduct(bob, 'adobe-photoshop')).name).toBe('Adobe Photoshop');
    await expect(getProduct(bob, 'contoso-ledger-desktop')).rejects.toBeInstanceOf(NotFoundError);
    expect((await getProduct(await actor('fiona@example.com'), 'contoso-ledger-desktop')).name).toBe('Contoso Ledger Desktop');
  });

  it('never shows an unpublished product or a draft or withdrawn release to a requester', async () => {
    const alice = await actor('alice@example.com');
    expect(await allNames('alice@example.com')).not.toContain('Contoso Expense Capture');
    await expect(getProduct(alice, 'contoso-expense-capture')).rejects.toBeInstanceOf(NotFoundError);
    await expect(getProduct(alice, 'no-such-product')).rejects.toBeInstanceOf(NotFoundError);

    const firefox = await getProduct(alice, 'firefox');
    expect(firefox.releases.map((r) => r.status)).toEqual(['published', 'published']);
    expect(firefox.current?.version).toBe('141.0');
    expect(firefox.releases.map((r) => r.version)).not.toContain('142.0'); // draft

    const sevenZip = await getProduct(alice, '7-zip');
    expect(sevenZip.releases.every((r) => r.status === 'published')).toBe(true);
    expect(sevenZip.releases.map((r) => r.version)).not.toContain('24.08'); // withdrawn
  });

  it('shows each artifact with platform, size and full SHA-256', async () => {
    const firefox = await getProduct(await actor('alice@example.com'), 'firefox');
    const artifact = firefox.current!.artifacts[0]!;
    expect(artifact.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(artifact.sizeBytes).toBeGreaterThan(0);
    expect(firefox.current!.artifacts.map((a) => a.platform)).toContain('linux-x64');
  });

  it('shows librarians every release state and unpublished products', async () => {
    const lena = await actor('librarian@example.com');
    const firefox = await getProduct(lena, 'firefox');
    expect(firefox.releases.map((r) => r.status)).toEqual(['draft', 'published', 'published', 'deprecated']);
    expect(firefox.current?.version).toBe('141.0');
    expect((await getProduct(lena, 'contoso-expense-capture')).current).toBeNull();
    expect((await getProduct(lena, '7-zip')).releases.some((r) => r.status === 'withdrawn' && r.withdrawReason)).toBe(true);
  });
});
