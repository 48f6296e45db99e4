import { and, count, desc, eq, inArray, isNull } from 'drizzle-orm';
import { getDb, type DbOrTx } from '@/db';
import { notifications, users } from '@/db/schema';
import type { Actor } from '@/lib/auth/roles';
import { appUrl } from '@/lib/env';
import { assertId } from '@/lib/errors';
import { enqueue } from '@/lib/jobs/enqueue';
import { sendMailJob } from './jobs';
import { mailConfigured } from './mail';

export interface NewNotification {
  kind:
    | 'request_decided'
    | 'request_expired'
    | 'ready_to_download'
    | 'approval_waiting'
    | 'approval_due_soon'
    | 'waiting_for_seat'
    | 'release_withdrawn'
    | 'deployment_halted'
    | 'unauthorised_change'
    | 'removal_requested';
  title: string;
  body?: string;
  link?: string;
}

/** Text for one recipient's mail only (e.g. links that work for that person alone), made in the same transaction. */
export type MailExtra = (tx: DbOrTx, userId: string) => Promise<string | undefined>;

/**
 * Records in-app notifications inside the caller's transaction and, when SMTP_URL is set, queues
 * one e-mail per recipient in that same transaction: a rollback sends nothing, a commit is
 * delivered even if this process dies the next moment, and a slow or absent mail server never
 * holds up or undoes the step it reports.
 */
export async function notify(tx: DbOrTx, userIds: string[], n: NewNotification, mailExtra?: MailExtra): Promise<void> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return;
  await tx
    .insert(notifications)
    .values(unique.map((userId) => ({ userId, kind: n.kind, title: n.title, body: n.body ?? '', link: n.link ?? null })));
  if (!mailConfigured()) return;
  const recipients = await tx.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, unique));
  for (const r of recipients) {
    const extra = mailExtra ? await mailExtra(tx, r.id) : undefined;
    const text = [n.body, extra, n.link && `${appUrl()}${n.link}`].filter(Boolean).join('\n\n');
    await enqueue(tx, sendMailJob, { to: r.email, subject: n.title, text });
  }
}

export interface NotificationView {
  id: string;
  title: string;
  body: string;
  link: string | null;
  read: boolean;
  createdAt: Date;
}

export async function listNotifications(actor: Actor, limit = 20): Promise<{ unread: number; items: NotificationView[] }> {
  const db = getDb();
  const [[unread], rows] = await Promise.all([
    db
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.userId, actor.id), isNull(notifications.readAt))),
    db.select().from(notifications).where(eq(notifications.userId, actor.id)).orderBy(desc(notifications.createdAt)).limit(limit),
  ]);
  return {
    unread: unread?.n ?? 0,
    items: rows.map((r) => ({ id: r.id, title: r.title, body: r.body, link: r.link, read: r.readAt !== null, createdAt: r.createdAt })),
  };
}

/**
 * Marks unread notifications about one thing (their link) read, because the thing was handled:
 * a decided stage, a closed request, a page its reader has now seen. For `userIds`, or for
 * everyone told about it. The bell's count then drops without anyone clicking each item.
 */
export async function settleNotifications(tx: DbOrTx, link: string, userIds?: string[]): Promise<void> {
  if (userIds?.length === 0) return;
  await tx
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.link, link), isNull(notifications.readAt), userIds ? inArray(notifications.userId, userIds) : undefined));
}

/** Marks the actor's notifications read (all of them, or one). */
export async function markNotificationsRead(actor: Actor, id?: string): Promise<void> {
  if (id !== undefined) assertId(id, 'No such notification.', 'id');
  await getDb()
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, actor.id), isNull(notifications.readAt), id ? eq(notifications.id, id) : undefined));
}
