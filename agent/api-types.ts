import { ProtocolError } from './errors';
import { isRecord } from './fsutil';

/** One thing this device may pull, as GET /api/v1/device/pulls and check-in describe it. */
export type Pull = {
  entitlementId: string;
  requestId: string | null;
  /** Set when a deployment granted the entitlement: the assignment's schedule then decides. */
  deploymentId: string | null;
  product: { slug: string; name: string };
  release: { id: string; version: string };
  artifact: { id: string; fileName: string; mediaType: string; sizeBytes: number; sha256: string; downloadUrl: string };
};

export type Enrolment = { deviceId: string; token: string; hostname: string; platform: string };
/** What a deployment asks of this device (check-in `assignments`). Times are ISO 8601. */
export type Assignment = {
  deploymentId: string;
  name: string;
  intent: 'required' | 'available';
  entitlementId: string | null;
  product: Pull['product'];
  release: Pull['release'];
  artifact: Pull['artifact'] | null;
  availableFrom: string;
  deadline: string | null;
  window: { startMinute: number; endMinute: number; timeZone: string } | null;
  cutoverAt: string | null;
  postponedUntil: string | null;
};

/** A removal asked for on the portal (check-in `removals`): uninstall this, then report. */
export type Removal = {
  removalId: string;
  product: Pull['product'];
  release: Pull['release'];
  artifact: { id: string; fileName: string; sha256: string };
  /** The librarian's uninstall command for this build; null = the agent's own. */
  uninstallCommand: string | null;
};

export type CheckIn = {
  deviceId: string;
  hostname: string;
  serverTime: string;
  pulls: Pull[];
  assignments: Assignment[];
  removals: Removal[];
  invalid: string[];
};

export function parseRemoval(data: unknown, where: string): Removal {
  if (!isRecord(data)) throw new ProtocolError(`malformed server response: ${where} is not an object`);
  const product = obj(data, 'product', where);
  const release = obj(data, 'release', where);
  const artifact = obj(data, 'artifact', where);
  const sha256 = text(artifact, 'sha256', `${where}.artifact`).toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new ProtocolError(`malformed server response: ${where}.artifact.sha256 is not a SHA-256`);
  const command = data.uninstallCommand ?? null;
  if (command !== null && typeof command !== 'string') throw new ProtocolError(`malformed server response: ${where}.uninstallCommand`);
  return {
    removalId: text(data, 'removalId', where),
    product: { slug: text(product, 'slug', `${where}.product`), name: text(product, 'name', `${where}.product`) },
    release: { id: text(release, 'id', `${where}.release`), version: text(release, 'version', `${where}.release`) },
    artifact: { id: text(artifact, 'id', `${where}.artifact`), fileName: text(artifact, 'fileName', `${where}.artifact`), sha256 },
    uninstallCommand: command || null,
  };
}

function text(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new ProtocolError(`malformed server response: ${where}.${key} is missing or not a string`);
  return v;
}

function obj(o: Record<string, unknown>, key: string, where: string): Record<string, unknown> {
  const v = o[key];
  if (!isRecord(v)) throw new ProtocolError(`malformed server response: ${where}.${key} is not an object`);
  return v;
}

export function parseEnrolment(data: unknown): Enrolment {
  if (!isRecord(data)) throw new ProtocolError('malformed enrolment response');
  const [deviceId, token, hostname, platform] = (['deviceId', 'token', 'hostname', 'platform'] as const).map((k) =>
    text(data, k, 'enrolment'),
  );
  return { deviceId: deviceId!, token: token!, hostname: hostname!, platform: platform! };
}

export function parsePull(data: unknown, where: string): Pull {
  if (!isRecord(data)) throw new ProtocolError(`malformed server response: ${where} is not an object`);
  const product = obj(data, 'product', where);
  const release = obj(data, 'release', where);
  const artifact = obj(data, 'artifact', where);
  const requestId = data.requestId;
  if (requestId !== null && typeof requestId !== 'string') throw new ProtocolError(`malformed server response: ${where}.requestId`);
  // The sha256 becomes a file name in the cache, so it must be exactly 64 hex digits.
  const sha256 = text(artifact, 'sha256', `${where}.artifact`).toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new ProtocolError(`malformed server response: ${where}.artifact.sha256 is not a SHA-256`);
  // A bigint column may arrive as a string of digits; anything else is refused.
  const rawSize = artifact.sizeBytes;
  const sizeBytes = typeof rawSize === 'string' && /^\d+$/.test(rawSize) ? Number(rawSize) : rawSize;
  if (typeof sizeBytes !== 'number' || !Number.isSafeInteger(sizeBytes) || sizeBytes < 0) {
    throw new ProtocolError(`malformed server response: ${where}.artifact.sizeBytes is not a byte count`);
  }
  const deploymentId = data.deploymentId ?? null;
  if (deploymentId !== null && typeof deploymentId !== 'string')
    throw new ProtocolError(`malformed server response: ${where}.deploymentId`);
  return {
    entitlementId: text(data, 'entitlementId', where),
    requestId,
    deploymentId,
    product: { slug: text(product, 'slug', `${where}.product`), name: text(product, 'name', `${where}.product`) },
    release: { id: text(release, 'id', `${where}.release`), version: text(release, 'version', `${where}.release`) },
    artifact: {
      id: text(artifact, 'id', `${where}.artifact`),
      fileName: text(artifact, 'fileName', `${where}.artifact`),
      mediaType: typeof artifact.mediaType === 'string' ? artifact.mediaType : 'application/octet-stream',
      sizeBytes,
      sha256,
      downloadUrl: text(artifact, 'downloadUrl', `${where}.artifact`),
    },
  };
}

const isoOrNull = (o: Record<string, unknown>, key: string, where: string): string | null => {
  const v = o[key] ?? null;
  if (v !== null && (typeof v !== 'string' || Number.isNaN(Date.parse(v))))
    throw new ProtocolError(`malformed server response: ${where}.${key} is not a date`);
  return v;
};

export function parseAssignment(data: unknown, where: string): Assignment {
  if (!isRecord(data)) throw new ProtocolError(`malformed server response: ${where} is not an object`);
  const intent = data.intent;
  if (intent !== 'required' && intent !== 'available') throw new ProtocolError(`malformed server response: ${where}.intent`);
  const entitlementId = data.entitlementId ?? null;
  if (entitlementId !== null && typeof entitlementId !== 'string')
    throw new ProtocolError(`malformed server response: ${where}.entitlementId`);
  // The build is described like a pull's, so the same checks (sha256, size) apply.
  const asPull =
    data.artifact === null || data.artifact === undefined
      ? null
      : parsePull(
          { entitlementId: entitlementId ?? '-', requestId: null, product: data.product, release: data.release, artifact: data.artifact },
          where,
        );
  const product = obj(data, 'product', where);
  const release = obj(data, 'release', where);
  let window: Assignment['window'] = null;
  if (data.window !== null && data.window !== undefined) {
    const w = obj(data, 'window', where);
    const minute = (k: string) => {
      const v = w[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1439)
        throw new ProtocolError(`malformed server response: ${where}.window.${k}`);
      return v;
    };
    window = { startMinute: minute('startMinute'), endMinute: minute('endMinute'), timeZone: text(w, 'timeZone', `${where}.window`) };
  }
  const availableFrom = isoOrNull(data, 'availableFrom', where);
  if (!availableFrom) throw new ProtocolError(`malformed server response: ${where}.availableFrom is missing`);
  return {
    deploymentId: text(data, 'deploymentId', where),
    name: typeof data.name === 'string' ? data.name : '',
    intent,
    entitlementId,
    product: { slug: text(product, 'slug', `${where}.product`), name: text(product, 'name', `${where}.product`) },
    release: { id: text(release, 'id', `${where}.release`), version: text(release, 'version', `${where}.release`) },
    artifact: asPull?.artifact ?? null,
    availableFrom,
    deadline: isoOrNull(data, 'deadline', where),
    window,
    cutoverAt: isoOrNull(data, 'cutoverAt', where),
    postponedUntil: isoOrNull(data, 'postponedUntil', where),
  };
}

/** A malformed pull is set aside (and counted as a failure) instead of stopping the others. */
export function parseCheckIn(data: unknown): CheckIn {
  if (!isRecord(data) || !Array.isArray(data.pulls)) throw new ProtocolError('malformed check-in response: no pulls list');
  const pulls: Pull[] = [];
  const invalid: string[] = [];
  data.pulls.forEach((p: unknown, i) => {
    try {
      pulls.push(parsePull(p, `pulls[${i}]`));
    } catch (e) {
      invalid.push(e instanceof Error ? e.message : String(e));
    }
  });
  // A server from before deployments sends no assignments: nothing is assigned then.
  const assignments: Assignment[] = [];
  (Array.isArray(data.assignments) ? data.assignments : []).forEach((a: unknown, i) => {
    try {
      assignments.push(parseAssignment(a, `assignments[${i}]`));
    } catch (e) {
      invalid.push(e instanceof Error ? e.message : String(e));
    }
  });
  // A server from before removals sends none.
  const removals: Removal[] = [];
  (Array.isArray(data.removals) ? data.removals : []).forEach((r: unknown, i) => {
    try {
      removals.push(parseRemoval(r, `removals[${i}]`));
    } catch (e) {
      invalid.push(e instanceof Error ? e.message : String(e));
    }
  });
  return {
    removals,
    deviceId: text(data, 'deviceId', 'check-in'),
    hostname: typeof data.hostname === 'string' ? data.hostname : '',
    serverTime: typeof data.serverTime === 'string' ? data.serverTime : '',
    pulls,
    assignments,
    invalid,
  };
}
