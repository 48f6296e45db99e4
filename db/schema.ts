import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  char,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

// ---------------------------------------------------------------------------------------------
// Enums
// ---------------------------------------------------------------------------------------------
export const roleValues = [
  'requester',
  'approver',
  'librarian',
  'service_desk',
  'admin',
  'deployment_manager',
  'supplier',
  'change_manager',
] as const;
export type Role = (typeof roleValues)[number];
export const roleEnum = pgEnum('role', roleValues);

export const platformValues = ['windows-x64', 'windows-arm64', 'macos-arm64', 'macos-x64', 'linux-x64', 'linux-arm64'] as const;
export type Platform = (typeof platformValues)[number];
export const platformEnum = pgEnum('platform', platformValues);

export const releaseStatusValues = ['draft', 'published', 'deprecated', 'withdrawn'] as const;
export type ReleaseStatus = (typeof releaseStatusValues)[number];
export const releaseStatusEnum = pgEnum('release_status', releaseStatusValues);

export const productVisibilityEnum = pgEnum('product_visibility', ['everyone', 'groups']);
export const seatExhaustedEnum = pgEnum('seat_exhausted_behaviour', ['wait', 'reject']);
export const artifactStatusEnum = pgEnum('artifact_status', ['ok', 'corrupt']);

export const approvalStageKindEnum = pgEnum('approval_stage_kind', ['auto', 'manager', 'group']);

export const requestStatusValues = [
  'submitted',
  'pending_approval',
  'waiting_for_seat',
  'approved',
  'fulfilled',
  'rejected',
  'cancelled',
  'expired',
] as const;
export type RequestStatus = (typeof requestStatusValues)[number];
export const requestStatusEnum = pgEnum('request_status', requestStatusValues);

export const decisionEnum = pgEnum('decision', ['approved', 'rejected']);
export const entitlementStatusEnum = pgEnum('entitlement_status', ['active', 'revoked', 'expired']);
/** A removal asked for on My software: pending until the agent reports it (see lib/removals). */
export const removalStatusValues = ['pending', 'failed', 'done', 'cancelled'] as const;
export type RemovalStatus = (typeof removalStatusValues)[number];
export const removalStatusEnum = pgEnum('removal_status', removalStatusValues);
export const deviceStatusEnum = pgEnum('device_status', ['pending', 'active', 'retired', 'revoked']);

export const installEventTypeValues = [
  'download_started',
  'download_completed',
  /** The transfer or its hash check failed on the device: nothing was installed. */
  'download_failed',
  'install_succeeded',
  'install_failed',
  'uninstalled',
  /** The uninstall command failed on the device: the software is still there. */
  'uninstall_failed',
] as const;
export type InstallEventType = (typeof installEventTypeValues)[number];
export const installEventTypeEnum = pgEnum('install_event_type', installEventTypeValues);

export const actorKindEnum = pgEnum('actor_kind', ['user', 'device', 'pipeline', 'system']);
export const membershipSourceEnum = pgEnum('membership_source', ['local', 'idp']);

export const deviceKindValues = ['workstation', 'server', 'network', 'other'] as const;
export type DeviceKind = (typeof deviceKindValues)[number];
export const deviceKindEnum = pgEnum('device_kind', deviceKindValues);

export const deploymentIntentValues = ['required', 'available'] as const;
export type DeploymentIntent = (typeof deploymentIntentValues)[number];
export const deploymentIntentEnum = pgEnum('deployment_intent', deploymentIntentValues);

/**
 * draft → (pending_approval →) scheduled → active → completed, or cancelled from any state
 * before completed. A deployment into an environment that needs approval waits in
 * pending_approval until its approval stage is met.
 */
export const deploymentStatusValues = ['draft', 'pending_approval', 'scheduled', 'active', 'halted', 'completed', 'cancelled'] as const;
export type DeploymentStatus = (typeof deploymentStatusValues)[number];
export const deploymentStatusEnum = pgEnum('deployment_status', deploymentStatusValues);

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

// ---------------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------------
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    roles: roleEnum('roles')
      .array()
      .notNull()
      .default(sql`'{requester}'::role[]`),
    managerId: uuid('manager_id').references((): AnyPgColumn => users.id, { onDelete: 'set null' }),
    active: boolean('active').notNull().default(true),
    /** SCIM userName when the identity provider's differs from the e-mail address (null: it is the e-mail). */
    userName: text('user_name'),
    /** Deleted over SCIM: kept (history refers to it) but disabled and gone from SCIM. */
    deprovisionedAt: timestamp('deprovisioned_at', { withTimezone: true }),
    /** The provisioning client's own id for this person (SCIM externalId); the portal never interprets it. */
    externalId: text('external_id'),
    /**
     * The identity provider's groups this person is in, as last told by a sign-in (groups claim) or
     * by SCIM; roles and IdP-managed memberships are derived from it (lib/sso/mapping.ts).
     */
    /** A supplier's person (role supplier) acts for this one supplier only. */
    supplierId: uuid('supplier_id').references((): AnyPgColumn => suppliers.id, { onDelete: 'restrict' }),
    idpGroups: text('idp_groups')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdAt: createdAt(),
  },
  (t) => [
    // Emails are compared case-insensitively; the service stores them lower-cased.
    uniqueIndex('users_email_key').on(t.email),
    uniqueIndex('users_external_id_key').on(t.externalId),
    // SCIM userNames are case-insensitive (RFC 7643 caseExact false).
    uniqueIndex('users_user_name_key').on(sql`lower(${t.userName})`),
    check('users_email_lower', sql`${t.email} = lower(${t.email})`),
    check('users_not_own_manager', sql`${t.managerId} IS NULL OR ${t.managerId} <> ${t.id}`),
    index('users_manager_idx').on(t.managerId),
  ],
);
export type User = typeof users.$inferSelect;

export const groups = pgTable(
  'groups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** Kept for history and existing memberships, but no longer offered for new policies or targets. */
    archived: boolean('archived').notNull().default(false),
    /** The provisioning client's id for a group it created over SCIM. */
    externalId: text('external_id'),
    /** Created over SCIM: its members are the identity provider's to set. */
    scimManaged: boolean('scim_managed').notNull().default(false),
    createdAt: createdAt(),
  },
  // Names are unique whatever their case: "Finance" and "finance" would be one group to people.
  (t) => [uniqueIndex('groups_name_lower_key').on(sql`lower(${t.name})`), uniqueIndex('groups_external_id_key').on(t.externalId)],
);
export type Group = typeof groups.$inferSelect;

export const groupMembers = pgTable(
  'group_members',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** 'idp': set by the identity provider (group mapping or SCIM), so it also removes it; 'local': set by an administrator. */
    source: membershipSourceEnum('source').notNull().default('local'),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('group_members_user_idx').on(t.userId)],
);

/**
 * A person's identity at an OpenID provider: issuer + subject, the only stable key there is
 * (e-mail addresses change). The first sign-in links it to an account; later ones find it here.
 */
export const userIdentities = pgTable(
  'user_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    createdAt: createdAt(),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('user_identities_issuer_subject_key').on(t.issuer, t.subject), index('user_identities_user_idx').on(t.userId)],
);
export type UserIdentity = typeof userIdentities.$inferSelect;

/**
 * One signed-in browser session. The session cookie names its row, and every request checks it
 * here: signing out, an administrator's "sign out everywhere" or a disabled account ends it at the
 * next request, however long the cookie itself would still be valid.
 */
export const userSessions = pgTable(
  'user_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedReason: text('revoked_reason'),
  },
  (t) => [index('user_sessions_user_idx').on(t.userId, t.revokedAt)],
);
export type UserSession = typeof userSessions.$inferSelect;

/** Failed and successful sign-ins, kept to rate-limit guessing per account and per address. */
export const signInAttempts = pgTable(
  'sign_in_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    email: text('email').notNull(),
    address: text('address').notNull(),
    succeeded: boolean('succeeded').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('sign_in_attempts_email_idx').on(t.email, t.at), index('sign_in_attempts_address_idx').on(t.address, t.at)],
);

// ---------------------------------------------------------------------------------------------
// Catalogue and DML
// ---------------------------------------------------------------------------------------------
export const products = pgTable(
  'products',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    publisher: text('publisher').notNull(),
    category: text('category').notNull(),
    summary: text('summary').notNull().default(''),
    description: text('description').notNull().default(''),
    /** Storage key of the icon in the DML (content-addressed), or null for the default icon. */
    iconKey: text('icon_key'),
    iconMediaType: text('icon_media_type'),
    homepageUrl: text('homepage_url'),
    licenceModel: text('licence_model').notNull().default('free'),
    seatLimit: integer('seat_limit'),
    seatExhausted: seatExhaustedEnum('seat_exhausted').notNull().default('wait'),
    visibility: productVisibilityEnum('visibility').notNull().default('everyone'),
    requireChangeRef: boolean('require_change_ref').notNull().default(false),
    /** Trust policy (issue 16): every artifact must carry a verified publisher signature. */
    requireSignatures: boolean('require_signatures').notNull().default(false),
    /** A release must carry an SBOM before it can be published. */
    requireSbom: boolean('require_sbom').notNull().default(false),
    /** Publishing is refused while a critical advisory affects the release (override: change ref). */
    blockCriticalAdvisories: boolean('block_critical_advisories').notNull().default(false),
    /** Hours a request may wait on one approval stage before it expires. */
    approvalTimeoutHours: integer('approval_timeout_hours').notNull().default(120),
    /** Days an entitlement lasts after approval; null means until revoked. */
    entitlementDays: integer('entitlement_days'),
    archived: boolean('archived').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('products_slug_key').on(t.slug),
    check('products_seat_limit_positive', sql`${t.seatLimit} IS NULL OR ${t.seatLimit} > 0`),
    check('products_timeout_positive', sql`${t.approvalTimeoutHours} > 0`),
    index('products_category_idx').on(t.category),
  ],
);
export type Product = typeof products.$inferSelect;

/**
 * Screenshots on a product's page, in `position` order. The bytes live in the DML (content
 * addressed, so re-uploading the same picture stores it once); `altText` is required because
 * a screenshot nobody can read about tells a screen-reader user nothing.
 */
export const productScreenshots = pgTable(
  'product_screenshots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    storageKey: text('storage_key').notNull(),
    mediaType: text('media_type').notNull(),
    altText: text('alt_text').notNull(),
    position: integer('position').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('product_screenshots_product_idx').on(t.productId, t.position),
    check('product_screenshots_alt_present', sql`length(btrim(${t.altText})) > 0`),
  ],
);
export type ProductScreenshot = typeof productScreenshots.$inferSelect;

/** Groups that may see and request a product whose visibility is 'groups'. */
export const productGroups = pgTable(
  'product_groups',
  {
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.productId, t.groupId] })],
);

/** A product's approval policy: its stages, run in `position` order. No stages = auto-approve. */
export const approvalStages = pgTable(
  'approval_stages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    kind: approvalStageKindEnum('kind').notNull(),
    groupId: uuid('group_id').references(() => groups.id, { onDelete: 'restrict' }),
    /** For group stages: how many distinct members must approve (1 = any one). */
    requiredApprovals: integer('required_approvals').notNull().default(1),
  },
  (t) => [
    uniqueIndex('approval_stages_product_position_key').on(t.productId, t.position),
    check('approval_stages_group_needs_group', sql`(${t.kind} = 'group') = (${t.groupId} IS NOT NULL)`),
    check('approval_stages_required_positive', sql`${t.requiredApprovals} >= 1`),
  ],
);
export type ApprovalStage = typeof approvalStages.$inferSelect;

export const releases = pgTable(
  'releases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'restrict' }),
    version: text('version').notNull(),
    status: releaseStatusEnum('status').notNull().default('draft'),
    notes: text('notes').notNull().default(''),
    changeRef: text('change_ref'),
    withdrawReason: text('withdraw_reason'),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    deprecatedAt: timestamp('deprecated_at', { withTimezone: true }),
    withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('releases_product_version_key').on(t.productId, t.version),
    index('releases_product_status_idx').on(t.productId, t.status, t.publishedAt),
    check('releases_published_has_date', sql`${t.status} = 'draft' OR ${t.publishedAt} IS NOT NULL`),
    check('releases_withdrawn_has_reason', sql`${t.status} <> 'withdrawn' OR ${t.withdrawReason} IS NOT NULL`),
  ],
);
export type Release = typeof releases.$inferSelect;

export const artifacts = pgTable(
  'artifacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    releaseId: uuid('release_id')
      .notNull()
      .references(() => releases.id, { onDelete: 'restrict' }),
    platform: platformEnum('platform').notNull(),
    /** The name offered to the browser on download; never used as a storage path. */
    fileName: text('file_name').notNull(),
    /** Run by the agent to remove this build (see lib/removals); the agent's own setting otherwise. */
    uninstallCommand: text('uninstall_command'),
    mediaType: text('media_type').notNull().default('application/octet-stream'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    sha256: char('sha256', { length: 64 }).notNull(),
    /** Content address in the DML store (the SHA-256). */
    storageKey: text('storage_key').notNull(),
    /** Block size for `blockHashes`, so any byte range can be verified without reading it all. */
    blockSize: integer('block_size').notNull(),
    /** SHA-256 of each block, as concatenated lower-case hex digests (64 characters a block). */
    blockHashes: text('block_hashes').notNull(),
    status: artifactStatusEnum('status').notNull().default('ok'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('artifacts_release_platform_key').on(t.releaseId, t.platform),
    index('artifacts_sha256_idx').on(t.sha256),
    check('artifacts_sha256_hex', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
    check('artifacts_size_nonnegative', sql`${t.sizeBytes} >= 0`),
  ],
);
export type Artifact = typeof artifacts.$inferSelect;

// ---------------------------------------------------------------------------------------------
// Devices
// ---------------------------------------------------------------------------------------------
export const devices = pgTable(
  'devices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Null while nobody owns it: its owner was deactivated and the desk has not reassigned it yet. */
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'restrict' }),
    hostname: text('hostname').notNull(),
    platform: platformEnum('platform').notNull(),
    serial: text('serial'),
    status: deviceStatusEnum('status').notNull().default('pending'),
    enrolCodeHash: text('enrol_code_hash'),
    enrolCodeExpiresAt: timestamp('enrol_code_expires_at', { withTimezone: true }),
    tokenHash: text('token_hash'),
    agentVersion: text('agent_version'),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    kind: deviceKindEnum('kind').notNull().default('workstation'),
    /** Where the device is (an office, a data centre); free text chosen by the desk, e.g. "Berlin". */
    site: text('site'),
    /** ISO 3166-1 alpha-2, upper case. */
    country: char('country', { length: 2 }),
    environment: text('environment')
      .notNull()
      .default('live')
      .references((): AnyPgColumn => environments.key, { onDelete: 'restrict', onUpdate: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('devices_owner_idx').on(t.ownerId),
    index('devices_environment_idx').on(t.environment, t.platform),
    index('devices_site_idx').on(t.site),
    check('devices_country_upper', sql`${t.country} IS NULL OR ${t.country} ~ '^[A-Z]{2}$'`),
    uniqueIndex('devices_token_hash_key').on(t.tokenHash),
    uniqueIndex('devices_enrol_code_hash_key').on(t.enrolCodeHash),
  ],
);
export type Device = typeof devices.$inferSelect;

// ---------------------------------------------------------------------------------------------
// Service requests, approvals, entitlements
// ---------------------------------------------------------------------------------------------
export const serviceRequests = pgTable(
  'service_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requesterId: uuid('requester_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'restrict' }),
    /** The release asked for; null means "the current release" at fulfilment. */
    releaseId: uuid('release_id').references(() => releases.id, { onDelete: 'restrict' }),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'restrict' }),
    justification: text('justification').notNull(),
    status: requestStatusEnum('status').notNull().default('submitted'),
    /** Position of the approval stage now deciding, while pending. */
    currentStage: integer('current_stage'),
    stageDueAt: timestamp('stage_due_at', { withTimezone: true }),
    /** The stage whose approvers were last told it is nearly due (so they are told once). */
    dueSoonNotifiedStage: integer('due_soon_notified_stage'),
    closedReason: text('closed_reason'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('service_requests_requester_idx').on(t.requesterId, t.createdAt),
    index('service_requests_status_idx').on(t.status, t.stageDueAt),
    index('service_requests_product_idx').on(t.productId, t.status),
    index('service_requests_device_idx').on(t.deviceId),
    // The approver inbox reaches pending requests through the stage waiting on a group, or through
    // the requester (manager stages); closed requests stay out of both, so they cost the inbox nothing.
    index('service_requests_pending_stage_idx')
      .on(t.productId, t.currentStage)
      .where(sql`${t.status} = 'pending_approval'`),
    index('service_requests_pending_requester_idx')
      .on(t.requesterId)
      .where(sql`${t.status} = 'pending_approval'`),
    // One open request per person, product and device, even when two submissions race.
    uniqueIndex('service_requests_one_open_key')
      .on(t.requesterId, t.productId, t.deviceId)
      .where(sql`${t.status} in ('submitted', 'pending_approval', 'waiting_for_seat', 'approved')`),
  ],
);
export type ServiceRequest = typeof serviceRequests.$inferSelect;

export const approvals = pgTable(
  'approvals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => serviceRequests.id, { onDelete: 'restrict' }),
    stage: integer('stage').notNull(),
    approverId: uuid('approver_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    /** Set when a delegate decided for someone else. */
    onBehalfOfId: uuid('on_behalf_of_id').references(() => users.id, { onDelete: 'restrict' }),
    decision: decisionEnum('decision').notNull(),
    comment: text('comment').notNull().default(''),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One person decides a stage of a request at most once.
    uniqueIndex('approvals_request_stage_approver_key').on(t.requestId, t.stage, t.approverId),
    index('approvals_approver_idx').on(t.approverId),
    check('approvals_rejection_has_reason', sql`${t.decision} = 'approved' OR length(trim(${t.comment})) > 0`),
  ],
);
export type Approval = typeof approvals.$inferSelect;

/** An approver's named stand-in for a period. */
export const delegations = pgTable(
  'delegations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    approverId: uuid('approver_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    delegateId: uuid('delegate_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('delegations_delegate_idx').on(t.delegateId, t.startsAt, t.endsAt),
    check('delegations_not_self', sql`${t.approverId} <> ${t.delegateId}`),
    check('delegations_range', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

export const entitlements = pgTable(
  'entitlements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'restrict' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'restrict' }),
    /** The release granted; with `includesLaterReleases` also every later published one. */
    releaseId: uuid('release_id').references(() => releases.id, { onDelete: 'restrict' }),
    includesLaterReleases: boolean('includes_later_releases').notNull().default(false),
    requestId: uuid('request_id').references(() => serviceRequests.id, { onDelete: 'restrict' }),
    /** Set when a deployment (required or available) granted this entitlement instead of a request. */
    deploymentId: uuid('deployment_id').references((): AnyPgColumn => deployments.id, { onDelete: 'restrict' }),
    holdsSeat: boolean('holds_seat').notNull().default(false),
    status: entitlementStatusEnum('status').notNull().default('active'),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    createdAt: createdAt(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    index('entitlements_lookup_idx').on(t.userId, t.deviceId, t.productId, t.status),
    index('entitlements_seats_idx').on(t.productId, t.status, t.holdsSeat),
    index('entitlements_deployment_idx').on(t.deploymentId),
    check('entitlements_release_or_later', sql`${t.releaseId} IS NOT NULL OR ${t.includesLaterReleases}`),
    uniqueIndex('entitlements_one_active_key')
      .on(t.userId, t.deviceId, t.productId)
      .where(sql`${t.status} = 'active'`),
  ],
);
export type Entitlement = typeof entitlements.$inferSelect;

// ---------------------------------------------------------------------------------------------
// Append-only records (UPDATE/DELETE rejected by triggers in a migration)
// ---------------------------------------------------------------------------------------------
export const installEvents = pgTable(
  'install_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    type: installEventTypeEnum('type').notNull(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'restrict' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'restrict' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'restrict' }),
    releaseId: uuid('release_id')
      .notNull()
      .references(() => releases.id, { onDelete: 'restrict' }),
    artifactId: uuid('artifact_id')
      .notNull()
      .references(() => artifacts.id, { onDelete: 'restrict' }),
    sha256: char('sha256', { length: 64 }).notNull(),
    requestId: uuid('request_id').references(() => serviceRequests.id, { onDelete: 'restrict' }),
    /** The deployment this pull or outcome belongs to (planned vs happened), when not a request. */
    deploymentId: uuid('deployment_id').references((): AnyPgColumn => deployments.id, { onDelete: 'restrict' }),
    approverId: uuid('approver_id').references(() => users.id, { onDelete: 'restrict' }),
    agentVersion: text('agent_version'),
    exitCode: integer('exit_code'),
    errorText: text('error_text'),
    bytes: bigint('bytes', { mode: 'number' }),
    /** Sent by the reporter so a retried report is recorded once. */
    idempotencyKey: text('idempotency_key'),
    /** The owner said "I installed it" (a browser download): no agent checked it. */
    userReported: boolean('user_reported').notNull().default(false),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('install_events_device_idempotency_key').on(t.deviceId, t.idempotencyKey),
    index('install_events_recorded_idx').on(t.recordedAt, t.id),
    index('install_events_device_idx').on(t.deviceId, t.occurredAt),
    index('install_events_release_idx').on(t.releaseId, t.type),
    index('install_events_product_idx').on(t.productId, t.occurredAt),
    index('install_events_user_idx').on(t.userId, t.occurredAt),
    // A deployment's status: each device's latest event (and its type) is an index-only backward scan.
    index('install_events_deployment_idx')
      .on(t.deploymentId, t.deviceId, t.occurredAt, t.id, t.type)
      .where(sql`${t.deploymentId} IS NOT NULL`),
    // Service desk reads (lib/installs): the records table newest first, keyset on (occurred_at, id)…
    index('install_events_occurred_idx').on(t.occurredAt, t.id),
    // …filtered by version (a withdrawn release's few events must not mean a scan of the whole ledger)…
    index('install_events_release_occurred_idx').on(t.releaseId, t.occurredAt, t.id),
    // …and adoption: every column it reads is in the key, so "which device runs which version" and
    // failure counts are index-only scans of a product's outcomes rather than ~1 heap page per event.
    index('install_events_product_outcomes_idx')
      .on(t.productId, t.occurredAt, t.id, t.type, t.deviceId, t.releaseId, t.artifactId)
      .where(sql`${t.type} in ('install_succeeded', 'install_failed', 'uninstalled')`),
  ],
);
export type InstallEvent = typeof installEvents.$inferSelect;

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    actorKind: actorKindEnum('actor_kind').notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('audit_events_entity_idx').on(t.entityType, t.entityId, t.at),
    index('audit_events_at_idx').on(t.at),
    index('audit_events_actor_idx').on(t.actorId, t.at),
  ],
);
export type AuditEvent = typeof auditEvents.$inferSelect;

// ---------------------------------------------------------------------------------------------
// Pipeline API tokens (continuous delivery into the DML)
// ---------------------------------------------------------------------------------------------
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** SHA-256 of the secret; the secret itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull(),
    /** First characters of the secret, so people can tell tokens apart in lists. */
    prefix: text('prefix').notNull(),
    createdById: uuid('created_by_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    /** Set for a supplier's credential (lib/suppliers/credentials.ts); null for a pipeline token. */
    supplierId: uuid('supplier_id').references((): AnyPgColumn => suppliers.id, { onDelete: 'restrict' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('api_tokens_token_hash_key').on(t.tokenHash), index('api_tokens_supplier_idx').on(t.supplierId)],
);
export type ApiToken = typeof apiTokens.$inferSelect;

/** The products a pipeline token may publish into. */
export const apiTokenProducts = pgTable(
  'api_token_products',
  {
    tokenId: uuid('token_id')
      .notNull()
      .references(() => apiTokens.id, { onDelete: 'cascade' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.tokenId, t.productId] })],
);

// ---------------------------------------------------------------------------------------------
// Notifications (in-app; e-mail is sent from the same rows when SMTP is configured)
// ---------------------------------------------------------------------------------------------
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    link: text('link'),
    readAt: timestamp('read_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('notifications_user_idx').on(t.userId, t.readAt, t.createdAt)],
);
export type Notification = typeof notifications.$inferSelect;

/**
 * A decide-by-mail link (lib/approval-links): one per approver, request and stage in an approval
 * mail. Only the SHA-256 of its random token is kept, so a database read yields no usable link;
 * `used_at` is set once, by the conditional update that consumes it.
 */
export const approvalLinks = pgTable(
  'approval_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: char('token_hash', { length: 64 }).notNull(),
    requestId: uuid('request_id')
      .notNull()
      .references(() => serviceRequests.id, { onDelete: 'cascade' }),
    stage: integer('stage').notNull(),
    approverId: uuid('approver_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    usedFor: decisionEnum('used_for'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('approval_links_token_hash_key').on(t.tokenHash), index('approval_links_request_idx').on(t.requestId)],
);
export type ApprovalLink = typeof approvalLinks.$inferSelect;

// ---------------------------------------------------------------------------------------------
// Derived state kept beside the ledger (lib/installs/current-table.ts keeps and checks it)
// ---------------------------------------------------------------------------------------------
/**
 * What each device runs now, per product: the ledger's answer (lib/installs/current-table.ts),
 * maintained in the transaction that records each install or uninstall, so the desk reads
 * O(devices) rows instead of replaying O(events). The ledger stays the source of truth.
 */
export const deviceCurrentInstalls = pgTable(
  'device_current_installs',
  {
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'restrict' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'restrict' }),
    releaseId: uuid('release_id')
      .notNull()
      .references(() => releases.id, { onDelete: 'restrict' }),
    artifactId: uuid('artifact_id')
      .notNull()
      .references(() => artifacts.id, { onDelete: 'restrict' }),
    sha256: char('sha256', { length: 64 }).notNull(),
    requestId: uuid('request_id').references(() => serviceRequests.id, { onDelete: 'restrict' }),
    deploymentId: uuid('deployment_id').references((): AnyPgColumn => deployments.id, { onDelete: 'restrict' }),
    /** occurred_at of the install_succeeded event that made this current. */
    since: timestamp('since', { withTimezone: true }).notNull(),
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
    /** Copied from that event: the owner reported it, no agent verified it. */
    userReported: boolean('user_reported').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.productId] }),
    index('device_current_installs_product_idx').on(t.productId, t.releaseId),
    index('device_current_installs_release_idx').on(t.releaseId, t.since),
  ],
);

/**
 * Per product, artifact and UTC day: how many devices made that artifact their current install
 * that day, minus how many stopped running it (upgraded, uninstalled), and how many installs of
 * it succeeded and failed. Summing devices_delta up to a day gives the devices on each release at
 * that day's end, so the adoption view reads O(artifacts × days) rows, however many events there
 * are. Kept in the transaction that records the events (lib/installs/adoption-days.ts), and
 * checked against (or rebuilt from) the ledger like device_current_installs.
 */
export const adoptionDays = pgTable(
  'adoption_days',
  {
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'restrict' }),
    releaseId: uuid('release_id')
      .notNull()
      .references(() => releases.id, { onDelete: 'restrict' }),
    artifactId: uuid('artifact_id')
      .notNull()
      .references(() => artifacts.id, { onDelete: 'restrict' }),
    day: date('day', { mode: 'string' }).notNull(),
    devicesDelta: integer('devices_delta').notNull().default(0),
    succeeded: integer('succeeded').notNull().default(0),
    failed: integer('failed').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.productId, t.day, t.artifactId] })],
);

/** Per product, UTC day and error text (its first 200 characters): failed installs, and the latest. */
export const adoptionErrorDays = pgTable(
  'adoption_error_days',
  {
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'restrict' }),
    day: date('day', { mode: 'string' }).notNull(),
    errorText: text('error_text').notNull(),
    failures: integer('failures').notNull(),
    lastAt: timestamp('last_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.productId, t.day, t.errorText] })],
);

/**
 * Enrolment attempts per fixed window, per client address and in total: counted with one
 * atomic upsert, so concurrent bursts and several app instances share the same limit.
 */
export const enrolAttempts = pgTable(
  'enrol_attempts',
  {
    scope: text('scope').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    attempts: integer('attempts').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.windowStart] })],
);

// ---------------------------------------------------------------------------------------------
// Deployments: environments, targets, required / available / big-bang deployments
// ---------------------------------------------------------------------------------------------
/**
 * Where devices live (test, staging, live …), in promotion order by `rank`. A release reaches an
 * environment only after the environment before it in the product's promotion path met its
 * success threshold there. Deployments into an environment with an approval group wait for that
 * group's decision (N of M), like a request's group stage.
 */
export const environments = pgTable(
  'environments',
  {
    key: text('key').primaryKey(),
    name: text('name').notNull(),
    rank: integer('rank').notNull(),
    /** Percentage of a deployment's targeted devices that must succeed before the next environment. */
    successThresholdPercent: integer('success_threshold_percent').notNull().default(90),
    approvalGroupId: uuid('approval_group_id').references(() => groups.id, { onDelete: 'restrict' }),
    requiredApprovals: integer('required_approvals').notNull().default(1),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('environments_rank_key').on(t.rank),
    check('environments_key_format', sql`${t.key} ~ '^[a-z][a-z0-9-]{0,31}$'`),
    check('environments_threshold_range', sql`${t.successThresholdPercent} BETWEEN 0 AND 100`),
    check('environments_required_positive', sql`${t.requiredApprovals} >= 1`),
  ],
);
export type Environment = typeof environments.$inferSelect;

/** A product's own promotion path; a product without rows follows every environment by rank. */
export const productPromotionSteps = pgTable(
  'product_promotion_steps',
  {
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    environment: text('environment')
      .notNull()
      .references(() => environments.key, { onDelete: 'restrict', onUpdate: 'cascade' }),
    position: integer('position').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.productId, t.environment] }),
    uniqueIndex('product_promotion_steps_position_key').on(t.productId, t.position),
  ],
);

/**
 * Rules of a target. Each listed dimension must match (AND); within a dimension any value
 * matches (OR); an empty or missing dimension does not restrict. `deviceIds` are added to the
 * devices the other rules select (union), so a collection can name stragglers explicitly.
 * Group membership is the device owner's.
 */
export type TargetRules = {
  groupIds?: string[];
  platforms?: (typeof platformValues)[number][];
  environments?: string[];
  sites?: string[];
  countries?: string[];
  kinds?: DeviceKind[];
  deviceIds?: string[];
};

/** A named collection of devices, defined by rules and resolved live (new devices join it). */
export const targets = pgTable(
  'targets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    rules: jsonb('rules').$type<TargetRules>().notNull(),
    createdById: uuid('created_by_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    archived: boolean('archived').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('targets_name_key').on(t.name)],
);
export type Target = typeof targets.$inferSelect;

/**
 * A release × target × intent × schedule × change reference. Times are instants; the daily
 * maintenance window is minutes after midnight in `windowTimeZone` (end < start wraps midnight).
 * `cutoverAt` makes it a big bang: nobody installs the release before it, and after it every
 * other release of the product is refused to the devices the deployment covers.
 */
export const deployments = pgTable(
  'deployments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'restrict' }),
    releaseId: uuid('release_id')
      .notNull()
      .references(() => releases.id, { onDelete: 'restrict' }),
    targetId: uuid('target_id')
      .notNull()
      .references(() => targets.id, { onDelete: 'restrict' }),
    /** Only devices of the target in this environment are covered. */
    environment: text('environment')
      .notNull()
      .references(() => environments.key, { onDelete: 'restrict', onUpdate: 'cascade' }),
    intent: deploymentIntentEnum('intent').notNull(),
    status: deploymentStatusEnum('status').notNull().default('draft'),
    availableFrom: timestamp('available_from', { withTimezone: true }).notNull(),
    deadline: timestamp('deadline', { withTimezone: true }),
    windowStartMinute: integer('window_start_minute'),
    windowEndMinute: integer('window_end_minute'),
    windowTimeZone: text('window_time_zone').notNull().default('UTC'),
    cutoverAt: timestamp('cutover_at', { withTimezone: true }),
    changeRef: text('change_ref'),
    /** Bumped by every edit; deployment_revisions keeps each version. */
    version: integer('version').notNull().default(1),
    createdById: uuid('created_by_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    closedReason: text('closed_reason'),
    /** Automatic halt of a phased deployment: a phase whose failures reach this percentage of its reports… */
    haltFailurePercent: integer('halt_failure_percent').notNull().default(20),
    /** …once it has at least this many reports (success or failure) halts the deployment. */
    haltMinReports: integer('halt_min_reports').notNull().default(10),
    activatedAt: timestamp('activated_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('deployments_status_idx').on(t.status, t.availableFrom),
    index('deployments_product_idx').on(t.productId, t.status),
    index('deployments_release_idx').on(t.releaseId),
    index('deployments_target_idx').on(t.targetId),
    check(
      'deployments_window_minutes',
      sql`(${t.windowStartMinute} IS NULL) = (${t.windowEndMinute} IS NULL) AND coalesce(${t.windowStartMinute}, 0) BETWEEN 0 AND 1439 AND coalesce(${t.windowEndMinute}, 0) BETWEEN 0 AND 1439`,
    ),
    check('deployments_deadline_after_start', sql`${t.deadline} IS NULL OR ${t.deadline} > ${t.availableFrom}`),
    check('deployments_cutover_after_start', sql`${t.cutoverAt} IS NULL OR ${t.cutoverAt} >= ${t.availableFrom}`),
    check('deployments_cutover_required', sql`${t.cutoverAt} IS NULL OR ${t.intent} = 'required'`),
    check('deployments_version_positive', sql`${t.version} >= 1`),
    check('deployments_halt_percent_range', sql`${t.haltFailurePercent} BETWEEN 1 AND 100`),
    check('deployments_halt_min_reports_positive', sql`${t.haltMinReports} >= 1`),
  ],
);
export type Deployment = typeof deployments.$inferSelect;

/** What a halt recorded: the counts it judged, the failing devices and the commonest error text. */
export type HaltEvidence = {
  devices: number;
  reports: number;
  succeeded: number;
  failed: number;
  failurePercent: number;
  thresholdPercent: number;
  minReports: number;
  failingDevices: { id: string; hostname: string; errorText: string | null }[];
  commonestError: { text: string; count: number } | null;
};

/**
 * One phase (ring) of a phased deployment, in `position` order. It takes either the devices of a
 * target (collection) or a percentage of the deployment's devices by stable bucket (see
 * lib/rings/buckets.ts); a device belongs to the first phase that takes it. It starts when the
 * phase before met its gate and the wait passed (auto), or when a manager starts it (manual).
 */
export const deploymentPhases = pgTable(
  'deployment_phases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deploymentId: uuid('deployment_id')
      .notNull()
      .references(() => deployments.id, { onDelete: 'restrict' }),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    targetId: uuid('target_id').references(() => targets.id, { onDelete: 'restrict' }),
    /** Cumulative: a device whose bucket (0..9999) is below percent × 100 and no earlier phase took. */
    percent: integer('percent'),
    /** Success gate: at least this % of the phase's devices last reported install_succeeded… */
    gatePercent: integer('gate_percent'),
    /** …or at least this many did. */
    gateCount: integer('gate_count'),
    /** After the gate before it is met, this phase waits this long (auto start). */
    waitMinutes: integer('wait_minutes').notNull().default(0),
    /** Device start times spread over this long from the phase start (0: all at once). */
    throttleMinutes: integer('throttle_minutes').notNull().default(0),
    startMode: text('start_mode').notNull().default('auto'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    gateMetAt: timestamp('gate_met_at', { withTimezone: true }),
    haltedAt: timestamp('halted_at', { withTimezone: true }),
    haltEvidence: jsonb('halt_evidence').$type<HaltEvidence>(),
    /** Halt counting restarts here after a resume, so the failures already judged do not halt it again. */
    countFrom: timestamp('count_from', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('deployment_phases_position_key').on(t.deploymentId, t.position),
    check('deployment_phases_one_selection', sql`(${t.targetId} IS NULL) <> (${t.percent} IS NULL)`),
    check('deployment_phases_percent_range', sql`${t.percent} IS NULL OR ${t.percent} BETWEEN 1 AND 100`),
    check('deployment_phases_gate_percent_range', sql`${t.gatePercent} IS NULL OR ${t.gatePercent} BETWEEN 0 AND 100`),
    check('deployment_phases_gate_count_positive', sql`${t.gateCount} IS NULL OR ${t.gateCount} >= 1`),
    check('deployment_phases_minutes', sql`${t.waitMinutes} >= 0 AND ${t.throttleMinutes} >= 0`),
    check('deployment_phases_start_mode', sql`${t.startMode} IN ('auto', 'manual')`),
  ],
);
export type DeploymentPhase = typeof deploymentPhases.$inferSelect;

/** A phase as planned (what forms, ring templates and the pipeline send). */
export type PhasePlan = {
  name: string;
  targetId?: string | null;
  percent?: number | null;
  gatePercent?: number | null;
  gateCount?: number | null;
  waitMinutes: number;
  throttleMinutes: number;
  startMode: 'auto' | 'manual';
};

/**
 * A product's first ring for continuous delivery: a pipeline that published a release may deploy
 * it here (lib/rings/delivery.ts). One per product, set up by a librarian.
 */
export const ringTemplates = pgTable('ring_templates', {
  productId: uuid('product_id')
    .primaryKey()
    .references(() => products.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  targetId: uuid('target_id')
    .notNull()
    .references(() => targets.id, { onDelete: 'restrict' }),
  environment: text('environment')
    .notNull()
    .references(() => environments.key, { onDelete: 'restrict', onUpdate: 'cascade' }),
  intent: deploymentIntentEnum('intent').notNull().default('required'),
  phases: jsonb('phases').$type<PhasePlan[]>().notNull(),
  haltFailurePercent: integer('halt_failure_percent').notNull().default(20),
  haltMinReports: integer('halt_min_reports').notNull().default(10),
  updatedById: uuid('updated_by_id')
    .notNull()
    .references(() => users.id, { onDelete: 'restrict' }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
export type RingTemplate = typeof ringTemplates.$inferSelect;

/**
 * The first-ring deployment a pipeline created for a release: one per release, so a retried call
 * (or a second run of the same build) answers with the deployment already made.
 */
export const pipelineDeployments = pgTable('pipeline_deployments', {
  releaseId: uuid('release_id')
    .primaryKey()
    .references(() => releases.id, { onDelete: 'restrict' }),
  deploymentId: uuid('deployment_id')
    .notNull()
    .references(() => deployments.id, { onDelete: 'restrict' }),
  tokenId: uuid('token_id').notNull(),
  createdAt: createdAt(),
});

/** Every version of a deployment as it was saved, so nothing active changes silently. */
export const deploymentRevisions = pgTable(
  'deployment_revisions',
  {
    deploymentId: uuid('deployment_id')
      .notNull()
      .references(() => deployments.id, { onDelete: 'restrict' }),
    version: integer('version').notNull(),
    snapshot: jsonb('snapshot').notNull(),
    changedById: uuid('changed_by_id').references(() => users.id, { onDelete: 'restrict' }),
    reason: text('reason').notNull().default(''),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.deploymentId, t.version] })],
);

/** Decisions on a deployment that needs its environment's approval (one per person per version). */
export const deploymentApprovals = pgTable(
  'deployment_approvals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deploymentId: uuid('deployment_id')
      .notNull()
      .references(() => deployments.id, { onDelete: 'restrict' }),
    /** The deployment version decided; an edit needs a fresh approval. */
    version: integer('version').notNull(),
    approverId: uuid('approver_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    onBehalfOfId: uuid('on_behalf_of_id').references(() => users.id, { onDelete: 'restrict' }),
    decision: decisionEnum('decision').notNull(),
    comment: text('comment').notNull().default(''),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('deployment_approvals_once_key').on(t.deploymentId, t.version, t.approverId),
    check('deployment_approvals_rejection_has_reason', sql`${t.decision} = 'approved' OR length(trim(${t.comment})) > 0`),
  ],
);

/**
 * A device a deployment reached: written when the deployment activates (and when a device joins
 * its target later), with the entitlement it grants; a required one holds a licence seat from
 * then. What happened is in install_events (deployment_id); this row is the plan for the device.
 */
export const deploymentAssignments = pgTable(
  'deployment_assignments',
  {
    deploymentId: uuid('deployment_id')
      .notNull()
      .references(() => deployments.id, { onDelete: 'restrict' }),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'restrict' }),
    entitlementId: uuid('entitlement_id').references(() => entitlements.id, { onDelete: 'restrict' }),
    /** The owner chose "later": the agent does not install before this (never after the deadline). */
    postponedUntil: timestamp('postponed_until', { withTimezone: true }),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set when the device left the target or the deployment was cancelled. */
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** The phase that took this device (phased deployments only). */
    phasePosition: integer('phase_position'),
    /** Throttling: the device API does not offer the release before this. */
    startAfter: timestamp('start_after', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.deploymentId, t.deviceId] }),
    index('deployment_assignments_device_idx')
      .on(t.deviceId)
      .where(sql`${t.endedAt} IS NULL`),
  ],
);
export type DeploymentAssignment = typeof deploymentAssignments.$inferSelect;

/**
 * "Remove this from my device", asked on My software and done by the agent at its next sync. A
 * table of its own (not an entitlement field): the removal has a life of its own (asked → failed →
 * retried or cancelled → done), concerns what is installed rather than what is entitled, and
 * its history stays. The entitlement and its seat end only when the agent reports `uninstalled`.
 */
export const removals = pgTable(
  'removals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'restrict' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'restrict' }),
    /** What was installed when the removal was asked for: the agent uninstalls this build. */
    releaseId: uuid('release_id')
      .notNull()
      .references(() => releases.id, { onDelete: 'restrict' }),
    artifactId: uuid('artifact_id')
      .notNull()
      .references(() => artifacts.id, { onDelete: 'restrict' }),
    requestedById: uuid('requested_by_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    reason: text('reason').notNull().default(''),
    status: removalStatusEnum('status').notNull().default('pending'),
    /** The agent's error (stderr tail) of the last failed attempt. */
    errorText: text('error_text'),
    attempts: integer('attempts').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    // One open removal per device and product, even when two clicks race.
    uniqueIndex('removals_one_open_key')
      .on(t.deviceId, t.productId)
      .where(sql`${t.status} in ('pending', 'failed')`),
    index('removals_device_idx').on(t.deviceId, t.status),
  ],
);
export type Removal = typeof removals.$inferSelect;
// ---------------------------------------------------------------------------------------------
// Trust: publisher keys, signatures, SBOM / provenance, advisories (issue 16)
// ---------------------------------------------------------------------------------------------
export const publisherKeyKindValues = ['openpgp', 'sigstore'] as const;
export type PublisherKeyKind = (typeof publisherKeyKindValues)[number];
export const publisherKeyKindEnum = pgEnum('publisher_key_kind', publisherKeyKindValues);

/** A key (OpenPGP public key, or a Sigstore public key with its hint) a product's publisher signs with. */
export const publisherKeys = pgTable(
  'publisher_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'restrict' }),
    kind: publisherKeyKindEnum('kind').notNull(),
    label: text('label').notNull(),
    /** OpenPGP primary key fingerprint (hex), or the Sigstore key hint. */
    fingerprint: text('fingerprint').notNull(),
    /** Who the key says it is (OpenPGP user id) or the identity a librarian gave a Sigstore key. */
    identity: text('identity').notNull(),
    /** Armored OpenPGP public key, or a PEM SPKI public key for Sigstore; empty for a keyless identity. */
    publicKey: text('public_key').notNull(),
    /**
     * Sigstore keyless only: the OIDC issuer the Fulcio certificate must name. Such a row trusts
     * the identity (certificate SAN, in `identity`) rather than a key.
     */
    oidcIssuer: text('oidc_issuer'),
    /** The key's own expiry (OpenPGP), if any. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** Rotation: signatures are accepted until this moment, then the key is retired. */
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokeReason: text('revoke_reason'),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('publisher_keys_product_fingerprint_key').on(t.productId, t.fingerprint)],
);
export type PublisherKey = typeof publisherKeys.$inferSelect;

/** The verified publisher signature of an artifact, checked when the artifact was ingested. */
export const artifactSignatures = pgTable('artifact_signatures', {
  artifactId: uuid('artifact_id')
    .primaryKey()
    .references(() => artifacts.id, { onDelete: 'cascade' }),
  keyId: uuid('key_id')
    .notNull()
    .references(() => publisherKeys.id, { onDelete: 'restrict' }),
  kind: publisherKeyKindEnum('kind').notNull(),
  /** The signer as verified: identity and fingerprint. */
  signer: text('signer').notNull(),
  /** The detached signature or Sigstore bundle as received (base64), kept as evidence. */
  signature: text('signature').notNull(),
  verifiedAt: timestamp('verified_at', { withTimezone: true }).notNull().defaultNow(),
});

export const releaseDocumentKindValues = ['sbom', 'provenance'] as const;
export const releaseDocumentKindEnum = pgEnum('release_document_kind', releaseDocumentKindValues);

/** An SBOM or provenance statement of a release, stored content-addressed in the DML. */
export const releaseDocuments = pgTable(
  'release_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    releaseId: uuid('release_id')
      .notNull()
      .references(() => releases.id, { onDelete: 'cascade' }),
    kind: releaseDocumentKindEnum('kind').notNull(),
    /** cyclonedx | spdx | in-toto */
    format: text('format').notNull(),
    sha256: char('sha256', { length: 64 }).notNull(),
    storageKey: text('storage_key').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('release_documents_release_kind_key').on(t.releaseId, t.kind)],
);

/** Components listed by a release's SBOM, for "which releases contain X" and advisory matching. */
export const sbomComponents = pgTable(
  'sbom_components',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    releaseId: uuid('release_id')
      .notNull()
      .references(() => releases.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    version: text('version').notNull(),
    purl: text('purl'),
    /** OSV ecosystem derived from the purl type (npm, PyPI, Maven, …), or '' when unknown. */
    ecosystem: text('ecosystem').notNull().default(''),
    licences: text('licences').notNull().default(''),
  },
  (t) => [index('sbom_components_name_idx').on(sql`lower(${t.name})`), index('sbom_components_release_idx').on(t.releaseId)],
);

/** An imported OSV advisory (kept as imported; matched on read with version semantics). */
export const advisories = pgTable('advisories', {
  id: text('id').primaryKey(),
  summary: text('summary').notNull().default(''),
  severity: text('severity').notNull().default('unknown'),
  aliases: text('aliases').notNull().default(''),
  /** The OSV `affected` array. */
  affected: jsonb('affected').notNull(),
  modifiedAt: timestamp('modified_at', { withTimezone: true }),
  importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
});
export type Advisory = typeof advisories.$inferSelect;

/** A release flagged for review (its signing key was revoked); cleared by a librarian. */
export const releaseReviews = pgTable(
  'release_reviews',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    releaseId: uuid('release_id')
      .notNull()
      .references(() => releases.id, { onDelete: 'cascade' }),
    keyId: uuid('key_id').references(() => publisherKeys.id, { onDelete: 'restrict' }),
    reason: text('reason').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('release_reviews_release_idx').on(t.releaseId)],
);
// ---------------------------------------------------------------------------------------------
// Suppliers and change records (deployments the portal does not perform)
// ---------------------------------------------------------------------------------------------
/**
 * An outside organisation that deploys to some of the estate. Its scope: every device matching
 * all of its non-empty rules (environments AND sites AND kinds, like a target's rules), plus the
 * devices listed in supplier_devices. A supplier without rules or devices may touch nothing.
 */
export const suppliers = pgTable(
  'suppliers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    contactEmail: text('contact_email').notNull().default(''),
    environments: text('environments')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    sites: text('sites')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    kinds: deviceKindEnum('kinds')
      .array()
      .notNull()
      .default(sql`'{}'::device_kind[]`),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('suppliers_name_key').on(sql`lower(${t.name})`)],
);
export type Supplier = typeof suppliers.$inferSelect;

/** Configuration items named explicitly in a supplier's scope. */
export const supplierDevices = pgTable(
  'supplier_devices',
  {
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.supplierId, t.deviceId] }), index('supplier_devices_device_idx').on(t.deviceId)],
);

export const changeKindValues = ['standard', 'normal', 'emergency'] as const;
export type ChangeKind = (typeof changeKindValues)[number];
export const changeKindEnum = pgEnum('change_kind', changeKindValues);
export const changeStateValues = ['requested', 'approved', 'rejected', 'scheduled', 'implemented', 'failed', 'closed'] as const;
export type ChangeState = (typeof changeStateValues)[number];
export const changeStateEnum = pgEnum('change_state', changeStateValues);

/** A change record: what may change, where, in which window; approved before it happens. */
export const changeRecords = pgTable(
  'change_records',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    reference: text('reference').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    kind: changeKindEnum('kind').notNull(),
    state: changeStateEnum('state').notNull().default('requested'),
    /** Whose approval policy decides it (that environment's approval group, N of M). */
    environment: text('environment')
      .notNull()
      .default('live')
      .references(() => environments.key, { onDelete: 'restrict', onUpdate: 'cascade' }),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    windowEnd: timestamp('window_end', { withTimezone: true }).notNull(),
    requiredApprovals: integer('required_approvals').notNull().default(1),
    requestedById: uuid('requested_by_id').references(() => users.id, { onDelete: 'restrict' }),
    supplierId: uuid('supplier_id').references(() => suppliers.id, { onDelete: 'restrict' }),
    rejectedReason: text('rejected_reason'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('change_records_reference_key').on(t.reference),
    index('change_records_window_idx').on(t.state, t.windowStart),
    check('change_records_window_order', sql`${t.windowEnd} > ${t.windowStart}`),
    check('change_records_required_positive', sql`${t.requiredApprovals} >= 1`),
  ],
);
export type ChangeRecord = typeof changeRecords.$inferSelect;

export const changeApprovals = pgTable(
  'change_approvals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    changeId: uuid('change_id')
      .notNull()
      .references(() => changeRecords.id, { onDelete: 'restrict' }),
    approverId: uuid('approver_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    onBehalfOfId: uuid('on_behalf_of_id').references(() => users.id, { onDelete: 'restrict' }),
    decision: decisionEnum('decision').notNull(),
    comment: text('comment').notNull().default(''),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('change_approvals_once_key').on(t.changeId, t.approverId),
    check('change_approvals_rejection_has_reason', sql`${t.decision} = 'approved' OR length(trim(${t.comment})) > 0`),
  ],
);

/** A supplier's plan: this component at this version onto these items in this window. */
export const supplierAnnouncements = pgTable(
  'supplier_announcements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id, { onDelete: 'restrict' }),
    /** The credential that announced it, or null when a supplier's person used the page. */
    tokenId: uuid('token_id').references(() => apiTokens.id, { onDelete: 'restrict' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'restrict' }),
    component: text('component').notNull(),
    version: text('version').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    windowEnd: timestamp('window_end', { withTimezone: true }).notNull(),
    changeRef: text('change_ref'),
    changeId: uuid('change_id').references(() => changeRecords.id, { onDelete: 'restrict' }),
    idempotencyKey: text('idempotency_key'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('supplier_announcements_idempotency_key').on(t.supplierId, t.idempotencyKey),
    index('supplier_announcements_window_idx').on(t.windowStart),
    check('supplier_announcements_window_order', sql`${t.windowEnd} > ${t.windowStart}`),
  ],
);
export type SupplierAnnouncement = typeof supplierAnnouncements.$inferSelect;

export const supplierAnnouncementItems = pgTable(
  'supplier_announcement_items',
  {
    announcementId: uuid('announcement_id')
      .notNull()
      .references(() => supplierAnnouncements.id, { onDelete: 'restrict' }),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'restrict' }),
  },
  (t) => [primaryKey({ columns: [t.announcementId, t.deviceId] }), index('supplier_announcement_items_device_idx').on(t.deviceId)],
);

export const supplierEventStatusValues = ['started', 'succeeded', 'failed', 'rolled_back'] as const;
export type SupplierEventStatus = (typeof supplierEventStatusValues)[number];
export const supplierEventStatusEnum = pgEnum('supplier_event_status', supplierEventStatusValues);
export const supplierChannelEnum = pgEnum('supplier_channel', ['api', 'page', 'import']);

/**
 * The append-only ledger of what suppliers did (UPDATE/DELETE refused by triggers, like
 * install_events). Kept beside install_events rather than in it: an install event names a DML
 * release and artifact (NOT NULL, and device_current_installs and adoption rely on it), while
 * suppliers deploy firmware and patches the DML never held. The desk's views read both.
 */
export const supplierEvents = pgTable(
  'supplier_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id, { onDelete: 'restrict' }),
    tokenId: uuid('token_id').references(() => apiTokens.id, { onDelete: 'restrict' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'restrict' }),
    channel: supplierChannelEnum('channel').notNull(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'restrict' }),
    announcementId: uuid('announcement_id').references(() => supplierAnnouncements.id, { onDelete: 'restrict' }),
    changeId: uuid('change_id').references(() => changeRecords.id, { onDelete: 'restrict' }),
    changeRef: text('change_ref'),
    component: text('component').notNull(),
    version: text('version').notNull(),
    status: supplierEventStatusEnum('status').notNull(),
    sha256: char('sha256', { length: 64 }),
    evidence: text('evidence'),
    /** Done in live without an approved change covering it: accepted, flagged, change managers told. */
    unauthorised: boolean('unauthorised').notNull().default(false),
    idempotencyKey: text('idempotency_key'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('supplier_events_idempotency_key').on(t.supplierId, t.idempotencyKey),
    index('supplier_events_device_idx').on(t.deviceId, t.occurredAt),
    index('supplier_events_occurred_idx').on(t.occurredAt, t.id),
    check('supplier_events_sha256_hex', sql`${t.sha256} IS NULL OR ${t.sha256} ~ '^[0-9a-f]{64}$'`),
  ],
);
export type SupplierEvent = typeof supplierEvents.$inferSelect;
