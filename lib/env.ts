import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

// The only reader of process.env: everything else asks this module.

function readableFile(p: string): boolean {
  try {
    accessSync(p, constants.R_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.string().url().optional(),
  /**
   * The schema owner's connection, for `npm run db:migrate` only. When it is set, the app's own
   * DATABASE_URL user owns nothing: migrate grants it reading and writing rows, but never
   * changing or removing install and audit history, nor altering tables or their triggers.
   */
  DATABASE_MIGRATION_URL: z.string().url().optional(),
  /** PostgreSQL connections per app instance: a few per core of the database server is plenty. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
  DATA_DIR: z.string().min(1).default('.data'),
  DML_STORAGE_DIR: z.string().min(1).optional(),
  AUTH_SECRET: z.string().min(32, 'AUTH_SECRET must be at least 32 characters').optional(),
  // How many reverse proxies in front append to X-Forwarded-For ('true' = one); see lib/auth/client-address.ts.
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|[0-9])$/, 'TRUST_PROXY is true, false or the number of trusted proxies (0-9)')
    .default('false'),
  SIGNIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(5),
  SIGNIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().positive().default(20),
  SIGNIN_WINDOW_MINUTES: z.coerce.number().int().positive().default(15),
  /** Wrong enrolment codes allowed per client address, and in total, per window (429 beyond). */
  ENROL_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().positive().default(10),
  ENROL_MAX_FAILURES_TOTAL: z.coerce.number().int().positive().default(100),
  ENROL_WINDOW_MINUTES: z.coerce.number().int().positive().default(15),
  /** e.g. smtp://user:pass@mail.example.com:587; unset = no e-mail (in-app notifications only). */
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().min(3).default('Software Portal <portal@localhost>'),
  /** How long the approve/reject links in an approval e-mail work (lib/approval-links). */
  APPROVAL_LINK_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  /** Public address of the portal, for links in e-mails. */
  APP_URL: z.string().url().default('http://localhost:3000'),
  /** Largest artifact the DML accepts (default 16 GiB). */
  DML_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(16 * 1024 ** 3),
  /** Set to keep the DML in an S3-compatible bucket instead of DML_STORAGE_DIR. */
  DML_S3_BUCKET: z.string().min(3).optional(),
  /** e.g. http://minio:9000 for MinIO or Ceph RGW; unset for AWS S3. */
  DML_S3_ENDPOINT: z.string().url().optional(),
  DML_S3_REGION: z.string().min(1).default('us-east-1'),
  DML_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  DML_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  DML_S3_FORCE_PATH_STYLE: z.enum(['true', 'false'], 'DML_S3_FORCE_PATH_STYLE is true or false').default('false'),
  DML_S3_PREFIX: z.string().optional(),
  /** Start-up removes unfinished uploads older than this, so instances sharing a store spare each other's. */
  DML_TEMP_MAX_AGE_MINUTES: z.coerce.number().int().nonnegative().default(60),
  /** pino level of the JSON logs on stdout (one access line per request at info). */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Bearer token for GET /api/metrics; unset = the endpoint answers 404. */
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  /** On SIGTERM, how long in-flight requests (downloads) may run before the process exits anyway. */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().nonnegative().default(30),
  /** false: this instance serves the web only; jobs it enqueues are run by instances with workers. */
  JOBS_WORKER: z
    .enum(['true', 'false'], 'JOBS_WORKER is true or false')
    .default('true')
    .transform((v) => v === 'true'),
  /** Auth.js's own setting (read by Auth.js): <APP_URL>/api/auth, so redirect URIs use the public address. */
  AUTH_URL: z.string().url().optional(),
  /** OpenID Connect single sign-on (lib/sso): all three set = "Sign in with …" is offered. */
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_SCOPES: z.string().min(1).default('openid email profile'),
  OIDC_DISPLAY_NAME: z.string().min(1).default('single sign-on'),
  /** The claim holding the person's groups (an array of names or ids). */
  OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
  /** The claim naming the person's manager (their e-mail, subject or SCIM externalId); unset = not taken from the IdP. */
  OIDC_MANAGER_CLAIM: z.string().min(1).optional(),
  /** A claim whose value is the person's SCIM externalId (e.g. Entra ID's `oid`): links a provisioned account without e-mail. */
  OIDC_EXTERNAL_ID_CLAIM: z.string().min(1).optional(),
  /** A first sign-in by someone with no account: create one, or refuse them. */
  OIDC_UNKNOWN_USERS: z.enum(['create', 'refuse'], 'OIDC_UNKNOWN_USERS is create or refuse').default('create'),
  /** JSON: {"<IdP group>": {"roles": ["approver"], "groups": ["IT Operations"]}, …}; see README. */
  OIDC_GROUP_MAP: z.string().optional(),
  /** off = only administrators may sign in with a password (break-glass, audited). */
  LOCAL_SIGN_IN: z.enum(['on', 'off'], 'LOCAL_SIGN_IN is on or off').default('on'),
  /** Bearer token of the SCIM 2.0 endpoint (/scim/v2); unset = SCIM is off. */
  SCIM_TOKEN: z.string().min(32, 'SCIM_TOKEN must be at least 32 characters').optional(),
  /**
   * Sigstore TrustedRoot JSON for keyless signatures (lib/trust/sigstore-trust-root.ts); unset =
   * keyless bundles are refused. The path is checked here; the file is re-read at each check.
   */
  SIGSTORE_TRUSTED_ROOT: z
    .string()
    .refine(readableFile, 'SIGSTORE_TRUSTED_ROOT must name a readable file (a Sigstore TrustedRoot JSON)')
    .optional(),
});

export type Env = z.infer<typeof schema>;

/** Validates a set of variables (process.env at start-up); throws naming every invalid one. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = schema.safeParse({
    ...source,
    // An empty variable means "unset", as it does in most shells' .env files.
    DATABASE_URL: source.DATABASE_URL || undefined,
    DATABASE_MIGRATION_URL: source.DATABASE_MIGRATION_URL || undefined,
    AUTH_SECRET: source.AUTH_SECRET || undefined,
    DML_STORAGE_DIR: source.DML_STORAGE_DIR || undefined,
    SMTP_URL: source.SMTP_URL || undefined,
    DML_S3_BUCKET: source.DML_S3_BUCKET || undefined,
    DML_S3_ENDPOINT: source.DML_S3_ENDPOINT || undefined,
    DML_S3_REGION: source.DML_S3_REGION || undefined,
    DML_S3_ACCESS_KEY_ID: source.DML_S3_ACCESS_KEY_ID || undefined,
    DML_S3_SECRET_ACCESS_KEY: source.DML_S3_SECRET_ACCESS_KEY || undefined,
    DML_S3_FORCE_PATH_STYLE: source.DML_S3_FORCE_PATH_STYLE || undefined,
    LOG_LEVEL: source.LOG_LEVEL || undefined,
    METRICS_TOKEN: source.METRICS_TOKEN || undefined,
    SHUTDOWN_GRACE_SECONDS: source.SHUTDOWN_GRACE_SECONDS || undefined,
    JOBS_WORKER: source.JOBS_WORKER || undefined,
    AUTH_URL: source.AUTH_URL || undefined,
    LOCAL_SIGN_IN: source.LOCAL_SIGN_IN || undefined,
    OIDC_SCOPES: source.OIDC_SCOPES || undefined,
    OIDC_DISPLAY_NAME: source.OIDC_DISPLAY_NAME || undefined,
    OIDC_GROUPS_CLAIM: source.OIDC_GROUPS_CLAIM || undefined,
    OIDC_UNKNOWN_USERS: source.OIDC_UNKNOWN_USERS || undefined,
    OIDC_ISSUER: source.OIDC_ISSUER || undefined,
    OIDC_CLIENT_ID: source.OIDC_CLIENT_ID || undefined,
    OIDC_CLIENT_SECRET: source.OIDC_CLIENT_SECRET || undefined,
    OIDC_MANAGER_CLAIM: source.OIDC_MANAGER_CLAIM || undefined,
    OIDC_EXTERNAL_ID_CLAIM: source.OIDC_EXTERNAL_ID_CLAIM || undefined,
    OIDC_GROUP_MAP: source.OIDC_GROUP_MAP || undefined,
    SCIM_TOKEN: source.SCIM_TOKEN || undefined,
    SIGSTORE_TRUSTED_ROOT: source.SIGSTORE_TRUSTED_ROOT || undefined,
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export const env = parseEnv(process.env);

// turbopackIgnore: these folders hold run-time data, not files to trace into the build output.
export const dataDir = path.resolve(/*turbopackIgnore: true*/ env.DATA_DIR);
export const dmlStorageDir = path.resolve(/*turbopackIgnore: true*/ env.DML_STORAGE_DIR ?? path.join(dataDir, 'dml'));

/**
 * In development a missing AUTH_SECRET is generated once and kept in the data folder, so a
 * fresh clone signs in without any setup; in production it must be configured.
 */
export function authSecret(): string {
  if (env.AUTH_SECRET) return env.AUTH_SECRET;
  if (env.NODE_ENV === 'production') {
    throw new Error(
      'AUTH_SECRET is not set. Generate one with `openssl rand -base64 33` and set it in the ' +
        'environment before starting the portal in production.',
    );
  }
  const file = path.join(dataDir, 'auth-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(33).toString('base64');
    // 'wx' fails if another process won the race; then read what it wrote.
    try {
      writeFileSync(file, secret, { flag: 'wx', mode: 0o600 });
      return secret;
    } catch {
      return readFileSync(file, 'utf8').trim();
    }
  }
}

export const appUrl = () => env.APP_URL.replace(/\/$/, '');
