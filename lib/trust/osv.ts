import semver from 'semver';

/** An OSV `affected` entry, as far as matching reads it. */
export interface OsvAffected {
  package?: { ecosystem?: string; name?: string; purl?: string };
  ranges?: { type?: string; events?: Record<string, string>[] }[];
  versions?: string[];
  ecosystem_specific?: { severity?: string };
  database_specific?: { severity?: string };
}

/**
 * Compares versions: semver where both are semver (so 1.2.0-rc.1 < 1.2.0), otherwise dotted
 * segments compared numerically where numeric, with a pre-release tail ("1.0rc1", "1.0-beta")
 * before the plain version, as most ecosystems order them.
 */
export function compareVersions(a: string, b: string): number {
  const sa = semver.valid(a, { loose: true });
  const sb = semver.valid(b, { loose: true });
  if (sa && sb) return semver.compare(sa, sb, { loose: true });
  const split = (v: string) => {
    const m = /^v?([0-9][0-9.]*)(.*)$/i.exec(v.trim());
    return { nums: (m?.[1] ?? '').split('.').filter(Boolean).map(Number), tail: (m?.[2] ?? v).replace(/^[-.+_]/, '') };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < Math.max(x.nums.length, y.nums.length); i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d) return Math.sign(d);
  }
  if (x.tail === y.tail) return 0;
  if (!x.tail) return 1; // a pre-release comes before the release
  if (!y.tail) return -1;
  return x.tail < y.tail ? -1 : 1;
}

/**
 * Whether `version` is affected by one OSV `affected` entry: listed explicitly, or inside a
 * SEMVER/ECOSYSTEM range — from an `introduced` ("0" = the beginning) up to but excluding the
 * next `fixed`, or up to and including the next `last_affected`. GIT ranges name commits, not
 * versions, and are not matched.
 */
export function isVersionAffected(version: string, affected: OsvAffected): boolean {
  if (!version) return false;
  if (affected.versions?.includes(version)) return true;
  for (const range of affected.ranges ?? []) {
    if (range.type !== 'SEMVER' && range.type !== 'ECOSYSTEM') continue;
    const events = range.events ?? [];
    for (let i = 0; i < events.length; i++) {
      const introduced = events[i]?.introduced;
      if (introduced === undefined) continue;
      if (introduced !== '0' && compareVersions(version, introduced) < 0) continue;
      const end = events.slice(i + 1).find((e) => e.fixed !== undefined || e.last_affected !== undefined || e.limit !== undefined);
      if (!end) return true;
      if (end.fixed !== undefined && compareVersions(version, end.fixed) < 0) return true;
      if (end.last_affected !== undefined && compareVersions(version, end.last_affected) <= 0) return true;
      if (end.limit !== undefined && compareVersions(version, end.limit) < 0) return true;
    }
  }
  return false;
}

/** The first fixed version an entry names (for the desk's "fixed in"). */
export function fixedVersionOf(affected: OsvAffected): string | null {
  for (const range of affected.ranges ?? []) for (const e of range.events ?? []) if (e.fixed) return e.fixed;
  return null;
}

const levels = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof levels)[number] | 'unknown';

/** Severity from the database- or ecosystem-specific label, or a numeric CVSS base score. */
export function severityOf(osv: {
  severity?: { score?: string }[];
  database_specific?: { severity?: string };
  affected?: OsvAffected[];
}): Severity {
  const label = [
    osv.database_specific?.severity,
    ...(osv.affected ?? []).flatMap((a) => [a.database_specific?.severity, a.ecosystem_specific?.severity]),
  ]
    .find((s) => typeof s === 'string')
    ?.toLowerCase()
    .replace('moderate', 'medium');
  if (label && (levels as readonly string[]).includes(label)) return label as Severity;
  const score = Number(osv.severity?.find((s) => s.score && !Number.isNaN(Number(s.score)))?.score);
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'unknown';
}
