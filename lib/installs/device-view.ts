import { asc, desc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { getDb } from '@/db';
import {
  artifacts,
  deviceCurrentInstalls,
  devices,
  installEvents,
  products,
  releases,
  users,
  type Device,
  type InstallEventType,
  type Platform,
  type ReleaseStatus,
} from '@/db/schema';
import { assertRole, type Actor } from '@/lib/auth/roles';
import { NotFoundError } from '@/lib/errors';

export const DEVICE_TIMELINE_LIMIT = 200;

export interface DeviceView {
  id: string;
  hostname: string;
  platform: Platform;
  serial: string | null;
  status: Device['status'];
  agentVersion: string | null;
  lastSeenAt: Date | null;
  enrolledAt: Date;
  /** Null while nobody owns the device (its owner was deactivated; the desk reassigns it). */
  owner: { id: string; name: string; email: string } | null;
  /** What the ledger says the device runs now, by product name. */
  software: {
    product: { name: string; slug: string };
    version: string;
    releaseStatus: ReleaseStatus;
    sha256: string;
    installedAt: Date;
    requestId: string | null;
  }[];
  /** Its latest install events, newest first (at most DEVICE_TIMELINE_LIMIT). */
  timeline: {
    id: number;
    occurredAt: Date;
    type: InstallEventType;
    product: { name: string; slug: string };
    version: string;
    platform: Platform;
    requestId: string | null;
    approver: string | null;
    agentVersion: string | null;
    exitCode: number | null;
    errorText: string | null;
  }[];
}

export async function getDeviceView(actor: Actor, deviceId: string): Promise<DeviceView> {
  assertRole(actor, 'service_desk', 'admin');
  // Not a uuid: the same answer as an unknown id, and no database error on the cast.
  if (!z.uuid().safeParse(deviceId).success) throw new NotFoundError('No such device.');
  const db = getDb();
  const [found] = await db
    .select({ device: devices, owner: { id: users.id, name: users.name, email: users.email } })
    .from(devices)
    .leftJoin(users, eq(users.id, devices.ownerId))
    .where(eq(devices.id, deviceId));
  if (!found) throw new NotFoundError('No such device.');

  const e = installEvents;
  const approver = alias(users, 'approver');
  const c = deviceCurrentInstalls;
  const [software, timeline] = await Promise.all([
    db
      .select({
        name: products.name,
        slug: products.slug,
        version: releases.version,
        releaseStatus: releases.status,
        sha256: c.sha256,
        installedAt: c.since,
        requestId: c.requestId,
      })
      .from(c)
      .innerJoin(products, eq(products.id, c.productId))
      .innerJoin(releases, eq(releases.id, c.releaseId))
      .where(eq(c.deviceId, deviceId))
      .orderBy(asc(products.name)),
    db
      .select({
        id: e.id,
        occurredAt: e.occurredAt,
        type: e.type,
        name: products.name,
        slug: products.slug,
        version: releases.version,
        platform: artifacts.platform,
        requestId: e.requestId,
        approver: approver.name,
        agentVersion: e.agentVersion,
        exitCode: e.exitCode,
        errorText: e.errorText,
      })
      .from(e)
      .innerJoin(products, eq(products.id, e.productId))
      .innerJoin(releases, eq(releases.id, e.releaseId))
      .innerJoin(artifacts, eq(artifacts.id, e.artifactId))
      .leftJoin(approver, eq(approver.id, e.approverId))
      .where(eq(e.deviceId, deviceId))
      .orderBy(desc(e.occurredAt), desc(e.id))
      .limit(DEVICE_TIMELINE_LIMIT),
  ]);

  const d = found.device;
  return {
    id: d.id,
    hostname: d.hostname,
    platform: d.platform,
    serial: d.serial,
    status: d.status,
    agentVersion: d.agentVersion,
    lastSeenAt: d.lastSeenAt,
    enrolledAt: d.createdAt,
    owner: found.owner,
    software: software.map(({ name, slug, ...s }) => ({ product: { name, slug }, ...s })),
    timeline: timeline.map(({ name, slug, ...t }) => ({ ...t, product: { name, slug } })),
  };
}
