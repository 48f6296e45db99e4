import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit/service';
import { auditFilterInput, listAuditEvents, listAuditEntityTypes, type AuditFilter } from '@/lib/audit/queries';
import { ForbiddenError, ValidationError } from '@/lib/errors';
import { actor } from '../support/actors';
import { engine, setupTestDb } from '../support/db';

const db = setupTestDb();
const filter = (raw: Record<string, string>): AuditFilter => auditFilterInput.parse(raw);
const utcDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe(`audit log queries (${engine})`, () => {
  it('is for admins only', async () => {
    for (const email of ['alice@example.com', 'manager@example.com', 'librarian@example.com', 'desk@example.com']) {
      const who = await actor(email);
      await expect(listAuditEvents(who)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(listAuditEntityTypes(who)).rejects.toBeInstanceOf(ForbiddenError);
    }
  });

  it('filters by entity type, entity, action prefix, actor (email or id) and day, and names each kind of actor', async () => {
    const [admin, alice, maria] = await Promise.all([actor('admin@example.com'), actor('alice@example.com'), actor('manager@example.com')]);
    await recordAudit({
      actor: { kind: 'user', id: alice.id },
      action: 'gadget.created',
      entityType: 'gadget',
      entityId: 'g-1',
      after: { n: 1 },
    });
    await recordAudit({
      actor: { kind: 'user', id: maria.id },
      action: 'gadget.updated',
      entityType: 'gadget',
      entityId: 'g-1',
      before: { n: 1 },
    });
    await recordAudit({ actor: { kind: 'system' }, action: 'gadget.expired', entityType: 'gadget', entityId: 'g-2' });
    await recordAudit({ actor: { kind: 'pipeline', id: 'tok-x' }, action: 'gadget_x.made', entityType: 'gadget', entityId: 'g-3' });
    await recordAudit({ actor: { kind: 'device', id: 'dev-x' }, action: 'widget.created', entityType: 'widget', entityId: 'w-1' });

    const gadgets = await listAuditEvents(admin, filter({ entityType: 'gadget' }));
    expect(gadgets.events.map((e) => e.action)).toEqual(['gadget_x.made', 'gadget.expired', 'gadget.updated', 'gadget.created']);
    expect(gadgets.nextCursor).toBeNull();
    expect(gadgets.events.map((e) => e.actor.name)).toEqual(['Pipeline token', 'Portal', 'Maria Manager', 'Alice Anders']);
    expect(gadgets.events[3]).toMatchObject({ actor: { kind: 'user', detail: 'alice@example.com' }, after: { n: 1 }, before: null });
    expect(gadgets.events[2]).toMatchObject({ before: { n: 1 }, after: null });

    // An action prefix is matched literally: "_" is not a wildcard.
    const prefixed = await listAuditEvents(admin, filter({ entityType: 'gadget', action: 'gadget.' }));
    expect(prefixed.events.map((e) => e.action)).toEqual(['gadget.expired', 'gadget.updated', 'gadget.created']);
    expect((await listAuditEvents(admin, filter({ action: 'gadget_' }))).events.map((e) => e.action)).toEqual(['gadget_x.made']);

    const one = await listAuditEvents(admin, filter({ entityType: 'gadget', entityId: 'g-1' }));
    expect(one.events.map((e) => e.action)).toEqual(['gadget.updated', 'gadget.created']);

    const byEmail = await listAuditEvents(admin, filter({ entityType: 'gadget', actor: 'Manager@Example.com' }));
    expect(byEmail.events.map((e) => e.action)).toEqual(['gadget.updated']);
    const byId = await listAuditEvents(admin, filter({ actor: 'dev-x' }));
    expect(byId.events).toMatchObject([{ action: 'widget.created', actor: { kind: 'device', name: 'Device' } }]);
    await expect(listAuditEvents(admin, filter({ actor: 'nobody@example.com' }))).rejects.toBeInstanceOf(ValidationError);

    const today = await listAuditEvents(admin, filter({ entityType: 'gadget', from: utcDay(0), to: utcDay(0) }));
    expect(today.events).toHaveLength(4);
    expect((await listAuditEvents(admin, filter({ entityType: 'gadget', to: utcDay(-1) }))).events).toEqual([]);
    expect((await listAuditEvents(admin, filter({ entityType: 'gadget', from: utcDay(1) }))).events).toEqual([]);

    expect(await listAuditEntityTypes(admin)).toEqual(expect.arrayContaining(['gadget', 'widget']));
  });

  it('pages 50 at a time, newest first, without repeating or skipping events recorded at the same instant', async () => {
    const admin = await actor('admin@example.com');
    // Events in one transaction share their time exactly: only the id tells them apart.
    for (let batch = 0; batch < 4; batch++) {
      await db().transaction(async (tx) => {
        for (let i = 0; i < 30; i++) {
          const n = batch * 30 + i;
          await recordAudit({ actor: { kind: 'system' }, action: 'paged.event', entityType: 'paged', entityId: String(n) }, tx);
        }
      });
    }
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await listAuditEvents(admin, filter({ entityType: 'paged', ...(cursor ? { cursor } : {}) }));
      sizes.push(page.events.length);
      seen.push(...page.events.map((e) => e.entityId));
      for (let i = 1; i < page.events.length; i++) {
        const [a, b] = [page.events[i - 1]!, page.events[i]!];
        expect(a.at.getTime() > b.at.getTime() || (a.at.getTime() === b.at.getTime() && a.id > b.id)).toBe(true);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([50, 50, 20]);
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => String(119 - i)));

    // An event recorded while someone pages does not shift the older pages.
    const first = await listAuditEvents(admin, filter({ entityType: 'paged' }));
    await recordAudit({ actor: { kind: 'system' }, action: 'paged.event', entityType: 'paged', entityId: 'late' });
    const second = await listAuditEvents(admin, filter({ entityType: 'paged', cursor: first.nextCursor! }));
    expect(second.events[0]?.entityId).toBe('69');
  });

  it('refuses a malformed filter with the field at fault', () => {
    const bad = auditFilterInput.safeParse({ from: '2025-13-45x', cursor: 'nope' });
    expect(bad.success).toBe(false);
    expect(Object.keys(z.flattenError(bad.error!).fieldErrors).sort()).toEqual(['cursor', 'from']);
    const backwards = auditFilterInput.safeParse({ from: '2025-02-02', to: '2025-02-01' });
    expect(z.flattenError(backwards.error!).fieldErrors.to).toEqual(['The last day cannot be before the first day.']);
    expect(auditFilterInput.parse({ entityType: '', action: '  ', actor: '' })).toEqual({});
  });
});
