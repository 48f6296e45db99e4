import { filter as matcher, parse, type Filter } from 'scim2-parse-filter';
import { badRequest, PATCH_SCHEMA } from './errors';

type Json = Record<string, unknown>;
export interface PatchOp {
  op: 'add' | 'replace' | 'remove';
  path?: string;
  value?: unknown;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a PatchOp request body (RFC 7644 §3.5.2): op names are case-insensitive (Entra ID sends "Replace"). */
export function patchOpsOf(body: unknown): PatchOp[] {
  if (!isObject(body) || !Array.isArray(body.schemas) || !body.schemas.includes(PATCH_SCHEMA)) {
    throw badRequest(`A PATCH body names the schema ${PATCH_SCHEMA}.`, 'invalidSyntax');
  }
  if (!Array.isArray(body.Operations) || body.Operations.length === 0 || body.Operations.length > 1000) {
    throw badRequest('A PATCH body holds 1 to 1000 Operations.', 'invalidSyntax');
  }
  return body.Operations.map((o: unknown) => {
    if (!isObject(o) || typeof o.op !== 'string') throw badRequest('Each operation has an "op".', 'invalidSyntax');
    const op = o.op.toLowerCase();
    if (op !== 'add' && op !== 'replace' && op !== 'remove') throw badRequest(`Unknown operation "${o.op}".`, 'invalidSyntax');
    if (o.path !== undefined && (typeof o.path !== 'string' || o.path.length > 500)) throw badRequest('"path" is a string.', 'invalidPath');
    if (op === 'remove' && !o.path) throw badRequest('A remove operation needs a path.', 'noTarget');
    if (op !== 'remove' && o.value === undefined) throw badRequest(`An ${op} operation needs a value.`, 'invalidValue');
    return { op, path: o.path as string | undefined, value: o.value };
  });
}

/** A path split into its attribute (with a schema URN kept as a container), an optional [filter] and sub-attribute. */
interface Path {
  container?: string;
  attr: string;
  filter?: Filter;
  sub?: string;
}

function pathOf(raw: string, extensions: readonly string[]): Path {
  let rest = raw;
  let container: string | undefined;
  for (const urn of extensions) {
    if (rest.toLowerCase().startsWith(`${urn.toLowerCase()}:`)) {
      container = urn;
      rest = rest.slice(urn.length + 1);
    }
  }
  rest = rest.replace(/^urn:ietf:params:scim:schemas:core:2\.0:(User|Group):/i, '');
  const m = /^([A-Za-z$][\w$-]*)(?:\[(.+)\])?(?:\.([A-Za-z$][\w$-]*))?$/.exec(rest);
  if (!m) throw badRequest(`"${raw}" is not a valid path.`, 'invalidPath');
  let filter: Filter | undefined;
  if (m[2]) {
    try {
      filter = parse(m[2]);
    } catch {
      throw badRequest(`The filter in "${raw}" is not valid.`, 'invalidPath');
    }
  }
  return { container, attr: m[1]!, filter, sub: m[3] };
}

/** The key of `obj` equal to `name` ignoring case (attribute names are case-insensitive), else `name`. */
const keyOf = (obj: Json, name: string) => Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;

/**
 * Applies PATCH operations to a resource's SCIM representation and returns the new one; the
 * caller then validates and stores it exactly as a PUT, so PATCH can store nothing a PUT could not.
 * `extensions` are schema URNs whose attributes live in a nested object (the enterprise User).
 */
export function applyPatch(resource: Json, ops: PatchOp[], extensions: readonly string[] = []): Json {
  const out = structuredClone(resource);
  for (const op of ops) {
    if (!op.path) {
      if (!isObject(op.value)) throw badRequest('Without a path, the value is an object of attributes.', 'invalidValue');
      for (const [k, v] of Object.entries(op.value)) applyOne(out, { op: op.op, path: k, value: v }, extensions);
      continue;
    }
    applyOne(out, op, extensions);
  }
  return out;
}

function applyOne(target: Json, op: PatchOp, extensions: readonly string[]): void {
  // A value keyed by an extension URN without a path is the extension's object: merge it.
  const ext = extensions.find((u) => u.toLowerCase() === op.path!.toLowerCase());
  if (ext && isObject(op.value)) {
    for (const [k, v] of Object.entries(op.value)) applyOne(target, { ...op, path: `${ext}:${k}`, value: v }, extensions);
    return;
  }
  const p = pathOf(op.path!, extensions);
  let obj = target;
  if (p.container) {
    const ck = keyOf(obj, p.container);
    if (!isObject(obj[ck])) obj[ck] = {};
    obj = obj[ck] as Json;
  }
  // "name.givenName" style: a sub-attribute of a complex attribute.
  const dotted = !p.filter && p.sub;
  const key = keyOf(obj, p.attr);
  if (dotted) {
    if (!isObject(obj[key])) obj[key] = {};
    const inner = obj[key] as Json;
    const sk = keyOf(inner, p.sub!);
    if (op.op === 'remove') delete inner[sk];
    else inner[sk] = op.value;
    return;
  }
  if (p.filter) {
    const list = Array.isArray(obj[key]) ? (obj[key] as unknown[]) : [];
    const test = matcher(p.filter);
    const hits = list.filter((e) => isObject(e) && test(e));
    if (op.op === 'remove') {
      if (p.sub) for (const h of hits as Json[]) delete h[keyOf(h, p.sub)];
      else obj[key] = list.filter((e) => !hits.includes(e));
      return;
    }
    if (hits.length === 0) {
      if (op.op === 'replace' && !p.sub) throw badRequest(`Nothing matches "${op.path}".`, 'noTarget');
      // add (or replace of a sub-attribute) with no match: a new element built from the filter's eq terms
      const created: Json = {};
      if (p.filter.op === 'eq') created[p.filter.attrPath] = p.filter.compValue;
      if (p.sub) created[p.sub] = op.value;
      else if (isObject(op.value)) Object.assign(created, op.value);
      obj[key] = [...list, created];
      return;
    }
    for (const h of hits as Json[]) {
      if (p.sub) h[keyOf(h, p.sub)] = op.value;
      else if (isObject(op.value)) Object.assign(h, op.value);
      else throw badRequest(`The value for "${op.path}" is an object.`, 'invalidValue');
    }
    return;
  }
  if (op.op === 'remove') {
    delete obj[key];
    return;
  }
  // add to a multi-valued attribute appends (members, emails); replace and single values overwrite.
  if (op.op === 'add' && Array.isArray(obj[key])) {
    const more = Array.isArray(op.value) ? op.value : [op.value];
    obj[key] = [...(obj[key] as unknown[]), ...more];
    return;
  }
  obj[key] = op.value;
}
