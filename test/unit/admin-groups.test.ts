import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, groups } from '@/db/schema';
import { createGroup, listGroups, setGroupArchived, updateGroup } from '@/lib/admin/groups';
import { groupInput } from '@/lib/admin/schema';
import { listProductFormChoices } from '@/lib/catalogue/choices';
import { ConflictError, ForbiddenError, NotFoundError } from '@/lib/errors';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
const input = (name: string, description = '') => groupInput.parse({ name, description });

describe(`groups, managed by admins (${engine})`, () => {
  it('creates, renames and describes a group; names are unique whatever their case; all audited', async () => {
    const ada = await actor('admin@example.com');
    const { id } = await createGroup(ada, input('  Field Engineers ', 'On-site support'));
    await expect(createGroup(ada, input('field engineers'))).rejects.toMatchObject({ status: 409, field: 'name' });
    await expect(updateGroup(ada, id, input('Finance'))).rejects.toBeInstanceOf(ConflictError);
    await updateGroup(ada, id, input('Field Service', 'Engineers who visit sites'));
    const row = (await listGroups(ada)).find((g) => g.id === id)!;
    expect(row).toMatchObject({ name: 'Field Service', description: 'Engineers who visit sites', archived: false, members: 0, usedBy: [] });
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.entityId, id));
    expect(audit.map((a) => a.action).sort()).toEqual(['group.created', 'group.updated']);
  });

  it('two admins creating the same name at once: one group, the other told', async () => {
    const ada = await actor('admin@example.com');
    const results = await Promise.allSettled([createGroup(ada, input('Night Shift')), createGroup(ada, input('Night Shift'))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: expect.objectContaining({ status: 409, field: 'name' }) });
    expect(await db().select().from(groups).where(eq(groups.name, 'Night Shift'))).toHaveLength(1);
  });

  it('refuses to archive a group a product still depends on; an unused one is archived and no longer offered', async () => {
    const ada = await actor('admin@example.com');
    const finance = (await db().query.groups.findFirst({ where: eq(groups.name, 'Finance') }))!;
    expect((await listGroups(ada)).find((g) => g.id === finance.id)).toMatchObject({ members: 2, usedBy: ['Contoso Ledger Desktop'] });
    await expect(setGroupArchived(ada, finance.id, true)).rejects.toMatchObject({ status: 409, field: 'archived' });
    await expect(setGroupArchived(ada, finance.id, true)).rejects.toThrow(/Contoso Ledger Desktop/);

    const { id } = await createGroup(ada, input('Temporary'));
    await setGroupArchived(ada, id, true);
    const lena = await actor('librarian@example.com');
    expect((await listProductFormChoices(lena)).groups.map((g) => g.name)).not.toContain('Temporary');
    await setGroupArchived(ada, id, false);
    expect((await listProductFormChoices(lena)).groups.map((g) => g.name)).toContain('Temporary');
  });

  it('is for admins only, answers unknown ids as not found, and refuses unstorable names', async () => {
    const alice = await actor('alice@example.com');
    await expect(createGroup(alice, input('Mine'))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listGroups(alice)).rejects.toBeInstanceOf(ForbiddenError);
    const ada = await actor('admin@example.com');
    await expect(updateGroup(ada, 'not-an-id', input('X'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(setGroupArchived(ada, '00000000-0000-4000-8000-000000000000', true)).rejects.toBeInstanceOf(NotFoundError);
    expect(groupInput.safeParse({ name: 'a\u0000b' }).success).toBe(false);
    expect(groupInput.safeParse({ name: 'x'.repeat(81) }).error?.issues[0]?.path).toEqual(['name']);
  });
});
