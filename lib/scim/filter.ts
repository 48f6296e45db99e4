import { and, not, or, sql, type SQL } from 'drizzle-orm';
import { parse, type Filter } from 'scim2-parse-filter';
import { isStorableText } from '@/lib/text';
import { badRequest } from './errors';

/** How one SCIM attribute reads in SQL: a column expression, its kind, and whether case matters. */
export interface FilterAttribute {
  sql: SQL;
  kind: 'string' | 'boolean' | 'uuid';
  caseExact?: boolean;
}
export type AttributeMap = Record<string, FilterAttribute>;

const MAX_FILTER = 2000;
const URN_PREFIX = /^urn:ietf:params:scim:schemas:core:2\.0:(User|Group):/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Parses a SCIM filter (RFC 7644 §3.4.2.2) into a WHERE condition; anything it cannot honour is a 400 invalidFilter. */
export function filterToSql(filter: string, attributes: AttributeMap): SQL {
  if (filter.length > MAX_FILTER || !isStorableText(filter))
    throw badRequest('The filter is too long or holds invalid characters.', 'invalidFilter');
  let ast: Filter;
  try {
    ast = parse(filter);
  } catch {
    throw badRequest('The filter is not valid SCIM filter syntax.', 'invalidFilter');
  }
  return toSql(ast, attributes, '', 0);
}

function attributeOf(path: string, attributes: AttributeMap): FilterAttribute {
  const key = path.replace(URN_PREFIX, '').toLowerCase();
  const found = Object.entries(attributes).find(([k]) => k.toLowerCase() === key);
  if (!found) throw badRequest(`Filtering on "${path}" is not supported.`, 'invalidFilter');
  return found[1];
}

function toSql(f: Filter, attributes: AttributeMap, prefix: string, depth: number): SQL {
  if (depth > 20) throw badRequest('The filter is nested too deeply.', 'invalidFilter');
  switch (f.op) {
    case 'and':
    case 'or': {
      const parts = f.filters.map((x) => toSql(x, attributes, prefix, depth + 1));
      return (f.op === 'and' ? and(...parts) : or(...parts))!;
    }
    case 'not':
      return not(toSql(f.filter, attributes, prefix, depth + 1));
    case '[]':
      // emails[value eq "x"]: the inner filter's attributes are sub-attributes of emails.
      return toSql(f.valFilter, attributes, `${prefix}${f.attrPath}.`, depth + 1);
    case 'pr':
      return sql`${attributeOf(prefix + f.attrPath, attributes).sql} is not null`;
    default:
      return compare(f.op, attributeOf(prefix + f.attrPath, attributes), f.compValue);
  }
}

function compare(op: string, a: FilterAttribute, value: unknown): SQL {
  if (a.kind === 'boolean') {
    if (typeof value !== 'boolean' || (op !== 'eq' && op !== 'ne'))
      throw badRequest('A boolean attribute is compared with eq or ne and true or false.', 'invalidFilter');
    return op === 'eq' ? sql`${a.sql} = ${value}` : sql`${a.sql} <> ${value}`;
  }
  if (typeof value !== 'string') throw badRequest('Compare this attribute with a string.', 'invalidFilter');
  if (!isStorableText(value)) throw badRequest('The filter holds invalid characters.', 'invalidFilter');
  if (a.kind === 'uuid') {
    // An id that cannot be a uuid matches nothing (and never reaches the database's uuid cast).
    if (op === 'eq') return UUID.test(value) ? sql`${a.sql} = ${value.toLowerCase()}::uuid` : sql`false`;
    if (op === 'ne') return UUID.test(value) ? sql`${a.sql} <> ${value.toLowerCase()}::uuid` : sql`true`;
    throw badRequest('An id is compared with eq or ne.', 'invalidFilter');
  }
  const col = a.caseExact ? a.sql : sql`lower(${a.sql})`;
  const v = a.caseExact ? value : value.toLowerCase();
  switch (op) {
    case 'eq':
      return sql`${col} = ${v}`;
    case 'ne':
      return sql`${col} is distinct from ${v}`;
    case 'co':
      return sql`${col} like ${`%${likeEscape(v)}%`}`;
    case 'sw':
      return sql`${col} like ${`${likeEscape(v)}%`}`;
    case 'ew':
      return sql`${col} like ${`%${likeEscape(v)}`}`;
    case 'gt':
      return sql`${col} > ${v}`;
    case 'ge':
      return sql`${col} >= ${v}`;
    case 'lt':
      return sql`${col} < ${v}`;
    case 'le':
      return sql`${col} <= ${v}`;
    default:
      throw badRequest(`Unknown operator "${op}".`, 'invalidFilter');
  }
}

/** startIndex and count of a list request (RFC 7644 §3.4.2.4): 1-based, out-of-range values clamped. */
export function pageOf(params: URLSearchParams, maxCount = 200): { startIndex: number; count: number } {
  const num = (name: string, fallback: number) => {
    const raw = params.get(name);
    if (raw === null || raw === '') return fallback;
    if (!/^-?\d{1,9}$/.test(raw)) throw badRequest(`${name} must be an integer.`, 'invalidValue');
    return Number(raw);
  };
  return { startIndex: Math.max(1, num('startIndex', 1)), count: Math.min(maxCount, Math.max(0, num('count', 100))) };
}
