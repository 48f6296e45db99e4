import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { endSession, loadSessionActor, openSession, signOutEverywhere } from '@/lib/auth/sessions';
import { auditEvents, groupMembers, groups, users } from '@/db/schema';
import { userUpdateInput } from '@/lib/admin/schema';
import { getEditableUser, updateUser } from '@/lib/admin/users';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/errors';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
const groupId = async (name: string) => (await db().query.groups.findFirst({ where: eq(groups.name, name) }))!.id;

describe(`user administration (${engine})`, () => {
  it('changes roles, manager, groups and active in one audited step; everyone stays a requester', async () => {
    const [ada, bob, otto] = await Promise.all([actor('admin@example.com'), actor('bob@example.com'), actor('ops1@example.com')]);
    const input = userUpdateInput.parse({
      name: 'Bob Berg',
      roles: ['librarian'],
      managerId: otto.id,
      groupIds: [await groupId('Engineering')],
      active: 'on',
    });
    expect(input.roles).toEqual(['requester', 'librarian']);
    await updateUser(ada, bob.id, input);
    const row = await db().query.users.findFirst({ where: eq(users.id, bob.id) });
    expect(row).toMatchObject({ roles: ['requester', 'librarian'], managerId: otto.id, active: true });
    const memberOf = await db().select().from(groupMembers).where(eq(groupMembers.userId, bob.id));
    expect(memberOf.map((m) => m.groupId)).toEqual([await groupId('Engineering')]);
    const [audit] = await db().select().from(auditEvents).where(eq(auditEvents.entityId, bob.id));
    expect(audit).toMatchObject({ action: 'user.updated', actorId: ada.id });
    expect((audit!.before as { groupIds: string[] }).groupIds).toEqual([await groupId('Design')]);
    expect((await getEditableUser(ada, bob.id)).user.roles).toEqual(['requester', 'librarian']);
  });

  it('disabling an account signs it out of the services at once', async () => {
    const [ada, fiona] = await Promise.all([actor('admin@example.com'), actor('fiona@example.com')]);
    const sid = await openSession(fiona.id);
    expect(await loadSessionActor(sid)).toMatchObject({ id: fiona.id });
    await updateUser(ada, fiona.id, userUpdateInput.parse({ name: 'Fiona Finch', roles: [], managerId: '', groupIds: [], active: '' }));
    expect(await loadSessionActor(sid)).toBeNull();
    // Enabling the account again does not bring the old session back.
    await updateUser(ada, fiona.id, userUpdateInput.parse({ name: 'Fiona Finch', roles: [], managerId: '', groupIds: [], active: 'on' }));
    expect(await loadSessionActor(sid)).toBeNull();
  });

  it('ends sessions on sign-out and on "sign out everywhere"; roles are read fresh at every request', async () => {
    const [ada, bob] = await Promise.all([actor('admin@example.com'), actor('bob@example.com')]);
    const [first, second, third] = [await openSession(bob.id), await openSession(bob.id), await openSession(bob.id)];
    await endSession(first);
    expect(await loadSessionActor(first)).toBeNull();
    expect(await loadSessionActor(second)).toMatchObject({ id: bob.id });
    await db()
      .update(users)
      .set({ roles: ['requester', 'approver'] })
      .where(eq(users.id, bob.id));
    expect((await loadSessionActor(second))?.roles).toEqual(['requester', 'approver']);
    await expect(signOutEverywhere(bob, ada.id)).rejects.toThrow(/Administrator/);
    expect(await signOutEverywhere(ada, bob.id)).toBe(2);
    expect(await loadSessionActor(second)).toBeNull();
    expect(await loadSessionActor(third)).toBeNull();
    expect(await loadSessionActor('not-a-session')).toBeNull();
  });

  it('protects admins from locking themselves out, and names the field at fault', async () => {
    const ada = await actor('admin@example.com');
    const keep = { name: 'Ada Admin', managerId: '', groupIds: [] };
    await expect(updateUser(ada, ada.id, userUpdateInput.parse({ ...keep, roles: ['librarian'], active: 'on' }))).rejects.toMatchObject({
      field: 'roles',
    });
    await expect(updateUser(ada, ada.id, userUpdateInput.parse({ ...keep, roles: ['admin'], active: '' }))).rejects.toMatchObject({
      field: 'active',
    });
    await expect(
      updateUser(ada, ada.id, userUpdateInput.parse({ ...keep, roles: ['admin'], managerId: ada.id, active: 'on' })),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(
      userUpdateInput.safeParse({ name: '', roles: ['wizard'], managerId: 'x', groupIds: [] }).error?.issues.map((i) => i.path[0]),
    ).toEqual(['name', 'roles', 'managerId']);
    expect((await db().query.users.findFirst({ where: eq(users.id, ada.id) }))?.roles).toContain('admin');
  });

  it('is for admins only, and an unknown id is not found', async () => {
    const [lena, bob, ada] = await Promise.all([actor('librarian@example.com'), actor('bob@example.com'), actor('admin@example.com')]);
    await expect(getEditableUser(lena, bob.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      updateUser(lena, bob.id, userUpdateInput.parse({ name: 'x', roles: ['admin'], managerId: '', groupIds: [] })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(getEditableUser(ada, 'not-a-uuid')).rejects.toBeInstanceOf(NotFoundError);
    await expect(getEditableUser(ada, crypto.randomUUID())).rejects.toBeInstanceOf(NotFoundError);
  });
});
