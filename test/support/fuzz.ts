/**
 * Malformed and hostile inputs, made from one valid example: every field replaced in turn by each
 * hostile value, fields missing, unknown fields, whole bodies of the wrong kind, and (to reach the
 * count asked for) seeded random pairs of hostile fields. Deterministic, so a failure reproduces.
 */
export const hostileValues: unknown[] = [
  null,
  '',
  '   ',
  'a\u0000b',
  '\u0000',
  'lone \ud800 surrogate',
  '\udfff',
  'x'.repeat(100_000),
  '💥'.repeat(2_000),
  '<script>alert(1)</script>',
  "' OR 1=1; --",
  '../../etc/passwd',
  '%00',
  '-1',
  '1e309',
  'NaN',
  '2025-13-45T99:99:99Z',
  '00000000-0000-0000-0000-000000000000',
  'not-a-uuid',
  0,
  -1,
  1.5,
  2 ** 53,
  Number.MAX_VALUE,
  true,
  false,
  [],
  ['\u0000'],
  [1, 2, 3],
  {},
  { nested: { deeper: { deepest: 'x'.repeat(1000) } } },
  '\r\nX-Injected: 1',
  '\u202e\u0000\ufeff',
];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function malformedBodies(valid: Record<string, unknown>, atLeast = 200, seed = 42): unknown[] {
  const fields = Object.keys(valid);
  const out: unknown[] = [];
  for (const f of fields) for (const h of hostileValues) out.push({ ...valid, [f]: h });
  for (const f of fields) {
    const { [f]: _, ...rest } = valid;
    out.push(rest);
  }
  out.push({ ...valid, unexpected: 'field', __proto__: { polluted: true } }, [], [valid], 'text', 42, null, true, {});
  const pick = rng(seed);
  const any = <T>(xs: T[]) => xs[Math.floor(pick() * xs.length)]!;
  while (out.length < atLeast) {
    out.push({ ...valid, [any(fields)]: any(hostileValues), [any(fields)]: any(hostileValues) });
  }
  return out;
}

/** A hostile value as a form field would carry it (forms carry only text). */
export function asFormValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function toFormData(body: unknown): FormData {
  const form = new FormData();
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [k, v] of Object.entries(body)) {
      if (Array.isArray(v)) for (const item of v) form.append(k, asFormValue(item) ?? '');
      else {
        const value = asFormValue(v);
        if (value !== null) form.append(k, value);
      }
    }
  }
  return form;
}
