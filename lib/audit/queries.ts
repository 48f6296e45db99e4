import 'server-only';
import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { text as storableText } from '@/lib/text';
import { getDb } from '@/db';
import { apiTokens, auditEvents, devices, users, type AuditEvent } from '@/db/schema';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { ValidationError } from '@/lib/errors';
import { entityNames } from './entity-names';

export const AUDIT_PAGE_SIZE = 50;

/**
 * A page position: the last row's time to the microsecond (a JS Date would drop the last three
 * digits and skip rows) and its id, which orders rows recorded at the same instant.
 */
const cursorPattern = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)~(\d{1,18})$/;

const text = (max: number, message: string) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined), storableText().max(max, message).optional());

const day = (message: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v !== '' ? v : undefined),
    storableText()
      .regex(/^\d{4}-\d{2}-\d{2}$/, message)
      .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), message)
      .optional(),
  );

/** The audit log's filter, as read from the page's query string. Days are UTC days, both inclusive. */
export const auditFilterInput = z
  .object({
    entityType: text(64, 'An entity type is at most 64 characters.'),
    entityId: text(200, 'An entity id is at most 200 characters.'),
    action: text(100, 'An action is at most 100 characters.'),
    actor: text(320, 'An actor is at most 320 characters.'),
    from: day('Give the first day as a date.'),
    to: day('Give the last day as a date.'),
    cursor: z.preprocess(
      (v) => (typeof v === 'string' && v !== '' ? v : undefined),
      storableText().regex(cursorPattern, 'This page link is no longer valid: start from the newest events.').optional(),
    ),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ['to'], message: 'The last day cannot be before the first day.' });
export type AuditFilter = z.infer<typeof auditFilterInput>;

export interface AuditEventView {
  id: number;
  at: Date;
  actor: { kind: AuditEvent['actorKind']; id: string | null; name: string; detail: string | null };
  action: string;
  entityType: string;
  entityId: string;
  /** What people call the entity ("Mozilla Firefox 141.0"); null when it no longer exists. */
  entityName: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditPage {
  events: AuditEventView[];
  /** Where the next (older) page starts; null on the last page. */
  nextCursor: string | null;
}

const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const DAY_MS = 86_400_000;

/**
 * The audit log, newest first, 50 events a page, for admins only. Pages are keyed on
 * (at, id) rather than offsets, so events recorded while someone reads never shift or repeat rows.
 */
export async function listAuditEvents(actor: Actor, filter: AuditFilter = {}, pageSize = AUDIT_PAGE_SIZE): Promise<AuditPage> {
  assertRole(actor, 'admin');
  const db = getDb();
  const where: SQL[] = [];
  if (filter.entityType) where.push(eq(auditEvents.entityType, filter.entityType));
  if (filter.entityId) where.push(eq(auditEvents.entityId, filter.entityId));
  if (filter.action) where.push(sql`${auditEvents.action} like ${likePrefix(filter.action)}`);
  if (filter.actor) {
    if (filter.actor.includes('@')) {
      const user = await db.query.users.findFirst({ where: eq(users.email, filter.actor.toLowerCase()) });
      if (!user) throw new ValidationError(`No user has the email ${filter.actor}.`, 'actor');
      where.push(and(eq(auditEvents.actorKind, 'user'), eq(auditEvents.actorId, user.id))!);
    } else {
      where.push(eq(auditEvents.actorId, filter.actor));
    }
  }
  if (filter.from) where.push(gte(auditEvents.at, new Date(`${filter.from}T00:00:00Z`)));
  if (filter.to) where.push(lt(auditEvents.at, new Date(Date.parse(`${filter.to}T00:00:00Z`) + DAY_MS)));
  const cursor = filter.cursor?.match(cursorPattern);
  if (cursor) where.push(sql`(${auditEvents.at}, ${auditEvents.id}) < (${cursor[1]}::timestamptz, ${cursor[2]}::bigint)`);

  const rows = await db
    .select({
      event: auditEvents,
      atText: sql<string>`to_char(${auditEvents.at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      userName: users.name,
      userEmail: users.email,
      hostname: devices.hostname,
      tokenName: apiTokens.name,
    })
    .from(auditEvents)
    .leftJoin(users, and(eq(auditEvents.actorKind, 'user'), sql`${users.id}::text = ${auditEvents.actorId}`))
    .leftJoin(devices, and(eq(auditEvents.actorKind, 'device'), sql`${devices.id}::text = ${auditEvents.actorId}`))
    .leftJoin(apiTokens, and(eq(auditEvents.actorKind, 'pipeline'), sql`${apiTokens.id}::text = ${auditEvents.actorId}`))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(pageSize + 1);

  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  const names = await entityNames(
    db,
    page.map((r) => r.event),
  );
  return {
    events: page.map(({ event: e, ...r }) => ({
      id: e.id,
      at: e.at,
      actor: {
        kind: e.actorKind,
        id: e.actorId,
        ...(e.actorKind === 'user'
          ? { name: r.userName ?? 'Unknown user', detail: r.userEmail }
          : e.actorKind === 'device'
            ? { name: 'Device', detail: r.hostname }
            : e.actorKind === 'pipeline'
              ? { name: 'Pipeline token', detail: r.tokenName }
              : { name: 'Portal', detail: null }),
      },
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId,
      entityName: names.get(`${e.entityType}:${e.entityId}`) ?? null,
      before: e.before,
      after: e.after,
    })),
    nextCursor: rows.length > pageSize && last ? `${last.atText}~${last.event.id}` : null,
  };
}

/** The entity types the log holds, for the filter's choices. */
export async function listAuditEntityTypes(actor: Actor): Promise<string[]> {
  assertRole(actor, 'admin');
  const rows = await getDb().selectDistinct({ type: auditEvents.entityType }).from(auditEvents).orderBy(auditEvents.entityType);
  return rows.map((r) => r.type);
}
