import { ValidationError } from '@/lib/errors';

export interface SbomComponent {
  name: string;
  version: string;
  purl: string | null;
  ecosystem: string;
  licences: string;
}
export interface ParsedSbom {
  format: 'cyclonedx' | 'spdx';
  components: SbomComponent[];
}

/** OSV ecosystem names for purl types, so advisories and SBOM components meet. */
const ecosystemOfPurlType: Record<string, string> = {
  npm: 'npm',
  pypi: 'PyPI',
  maven: 'Maven',
  golang: 'Go',
  cargo: 'crates.io',
  gem: 'RubyGems',
  nuget: 'NuGet',
  composer: 'Packagist',
  hex: 'Hex',
  pub: 'Pub',
  deb: 'Debian',
  apk: 'Alpine',
};

/** pkg:type/namespace/name@version → ecosystem and the package name as OSV writes it. */
export function parsePurl(purl: string): { ecosystem: string; name: string; version: string | null } | null {
  const m = /^pkg:([a-zA-Z][a-zA-Z0-9.+-]*)\/([^@?#]+)(?:@([^?#]+))?/.exec(purl);
  if (!m) return null;
  const type = m[1]!.toLowerCase();
  const parts = m[2]!.split('/').map(decodeURIComponent);
  const name = type === 'maven' ? parts.join(':') : parts.join('/');
  return { ecosystem: ecosystemOfPurlType[type] ?? type, name, version: m[3] ? decodeURIComponent(m[3]) : null };
}

const bad = (why: string) => new ValidationError(`SBOM refused: ${why}`, 'sbom');
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

function component(name: unknown, version: unknown, purl: unknown, licences: string[], where: string): SbomComponent {
  if (!str(name)?.trim()) throw bad(`${where} has no name.`);
  if (version !== undefined && typeof version !== 'string') throw bad(`${where} (${String(name)}) has a version that is not text.`);
  if (purl !== undefined && purl !== null && (typeof purl !== 'string' || !parsePurl(purl)))
    throw bad(`${where} (${String(name)}) has an invalid purl "${String(purl)}".`);
  const parsed = typeof purl === 'string' ? parsePurl(purl) : null;
  return {
    name: parsed?.name ?? String(name).trim(),
    version: (version as string | undefined) ?? parsed?.version ?? '',
    purl: (purl as string | undefined) ?? null,
    ecosystem: parsed?.ecosystem ?? '',
    licences: licences.filter(Boolean).join(', '),
  };
}

function cycloneDx(doc: Record<string, unknown>): ParsedSbom {
  if (typeof doc.specVersion !== 'string' || !/^1\.[2-7]$/.test(doc.specVersion)) throw bad('CycloneDX specVersion must be 1.2–1.7.');
  const list: unknown[] = [];
  if (isObj(doc.metadata) && isObj(doc.metadata.component)) list.push(doc.metadata.component);
  if (doc.components !== undefined && !Array.isArray(doc.components)) throw bad('components must be an array.');
  const walk = (items: unknown[]) => {
    for (const c of items) {
      list.push(c);
      if (isObj(c) && Array.isArray(c.components)) walk(c.components);
    }
  };
  walk((doc.components as unknown[] | undefined) ?? []);
  return {
    format: 'cyclonedx',
    components: list.map((c, i) => {
      if (!isObj(c)) throw bad(`component ${i + 1} is not an object.`);
      if (typeof c.type !== 'string') throw bad(`component ${i + 1} (${String(c.name)}) has no type.`);
      const licences = Array.isArray(c.licenses)
        ? c.licenses.map(
            (l) => (isObj(l) ? (str(l.expression) ?? (isObj(l.license) ? (str(l.license.id) ?? str(l.license.name)) : '')) : '') ?? '',
          )
        : [];
      return component(c.name, c.version, c.purl, licences, `component ${i + 1}`);
    }),
  };
}

function spdx(doc: Record<string, unknown>): ParsedSbom {
  for (const f of ['SPDXID', 'name', 'dataLicense'] as const) if (typeof doc[f] !== 'string') throw bad(`SPDX document has no ${f}.`);
  if (!Array.isArray(doc.packages)) throw bad('SPDX packages must be an array.');
  return {
    format: 'spdx',
    components: doc.packages.map((p, i) => {
      if (!isObj(p)) throw bad(`package ${i + 1} is not an object.`);
      if (typeof p.SPDXID !== 'string') throw bad(`package ${i + 1} (${String(p.name)}) has no SPDXID.`);
      const refs = Array.isArray(p.externalRefs) ? p.externalRefs.filter(isObj) : [];
      const purl = refs.find((r) => r.referenceType === 'purl')?.referenceLocator;
      const lic = [str(p.licenseConcluded), str(p.licenseDeclared)].find((l) => l && l !== 'NOASSERTION' && l !== 'NONE') ?? '';
      return component(p.name, p.versionInfo, purl, [lic], `package ${i + 1}`);
    }),
  };
}

/** Validates a CycloneDX or SPDX JSON SBOM and lists its components (a 422 on `sbom` names the fault). */
export function parseSbom(bytes: Buffer): ParsedSbom {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw bad('it is not valid JSON.');
  }
  if (!isObj(doc)) throw bad('it is not a JSON object.');
  if (doc.bomFormat === 'CycloneDX') return cycloneDx(doc);
  if (typeof doc.spdxVersion === 'string' && doc.spdxVersion.startsWith('SPDX-')) return spdx(doc);
  throw bad('neither CycloneDX (bomFormat) nor SPDX (spdxVersion) JSON.');
}

/**
 * The subject digests of an in-toto statement (SLSA provenance), bare or in a DSSE envelope.
 * Structure only: a DSSE signature is kept with the statement but not verified here.
 */
export function parseProvenance(bytes: Buffer): { predicateType: string; subjects: { name: string; sha256: string }[] } {
  const badP = (why: string) => new ValidationError(`Provenance refused: ${why}`, 'provenance');
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
    if (isObj(doc) && typeof doc.payload === 'string' && typeof doc.payloadType === 'string')
      doc = JSON.parse(Buffer.from(doc.payload, 'base64').toString('utf8'));
  } catch {
    throw badP('it is not valid JSON.');
  }
  if (!isObj(doc) || !/^https:\/\/in-toto\.io\/Statement\/v/.test(str(doc._type) ?? '')) throw badP('not an in-toto Statement (_type).');
  if (typeof doc.predicateType !== 'string') throw badP('it has no predicateType.');
  if (!Array.isArray(doc.subject) || doc.subject.length === 0) throw badP('it has no subject.');
  const subjects = doc.subject.map((s, i) => {
    const sha = isObj(s) && isObj(s.digest) ? str(s.digest.sha256)?.toLowerCase() : undefined;
    if (!sha || !/^[0-9a-f]{64}$/.test(sha)) throw badP(`subject ${i + 1} has no sha256 digest.`);
    return { name: str((s as Record<string, unknown>).name) ?? '', sha256: sha };
  });
  return { predicateType: doc.predicateType, subjects };
}
