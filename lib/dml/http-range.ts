/**
 * The HTTP side of a download that does not depend on the database: Range / If-Range decisions
 * (RFC 9110 §13.1.5, §14) and a Content-Disposition header that is safe for any stored name
 * (RFC 6266 with the RFC 8187/5987 `filename*` parameter). Pure functions, tested directly.
 */

/** An inclusive byte range, as in `Content-Range: bytes start-end/size`. */
export interface ByteRange {
  start: number;
  end: number;
}

export type RangeDecision = { kind: 'full' } | { kind: 'partial'; range: ByteRange } | { kind: 'unsatisfiable' };

const FULL: RangeDecision = { kind: 'full' };

/**
 * Decides what to send for a GET with these `Range` and `If-Range` headers.
 * - No Range, a unit other than bytes, or a malformed header: the whole file (RFC 9110 §14.2 lets
 *   a server ignore a Range it cannot or will not honour).
 * - Several ranges (`bytes=0-1,5-9`): the whole file as a 200. The RFC allows ignoring Range, and
 *   multipart/byteranges would complicate per-block verification for no real client (browsers and
 *   download agents resume with a single range).
 * - If-Range that is not exactly our strong ETag (a weak tag, another tag or a date: we send no
 *   Last-Modified, so no date can match): the whole file, so a client never splices two versions.
 */
export function decideRange(range: string | null, size: number, ifRange: string | null, etag: string): RangeDecision {
  if (range === null) return FULL;
  if (ifRange !== null && ifRange.trim() !== etag) return FULL;
  const m = /^\s*bytes\s*=\s*(.*)$/i.exec(range);
  if (!m) return FULL;
  const specs = m[1]!.split(',').filter((s) => s.trim() !== '');
  if (specs.length !== 1) return FULL;
  const spec = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(specs[0]!);
  if (!spec || (spec[1] === '' && spec[2] === '')) return FULL;

  if (spec[1] === '') {
    // Suffix range `bytes=-n`: the last n bytes; n = 0, or any suffix of an empty file, is unsatisfiable.
    const n = Number(spec[2]);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', range: { start: Math.max(0, size - n), end: size - 1 } };
  }
  const start = Number(spec[1]);
  const last = spec[2] === '' ? Infinity : Number(spec[2]);
  if (last < start) return FULL; // Invalid (RFC 9110 §14.1.1): ignored, not refused.
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', range: { start, end: Math.min(last, size - 1) } };
}

/**
 * `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>`.
 * The fallback keeps printable ASCII only and replaces quotes, backslashes, percent signs (some
 * browsers decode %xx in it) and path separators; `filename*` carries the exact name. Lone
 * surrogates are made well-formed first, because encodeURIComponent throws on them.
 */
export function contentDisposition(fileName: string): string {
  const name = fileName.toWellFormed();
  const fallback = name.replace(/[^\x20-\x7e]|["\\%/]/g, '_').trim() || 'download';
  // encodeURIComponent leaves ' ( ) * unescaped, but they are not attr-chars in RFC 8187.
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** A stored media type, or octet-stream if it would not be a valid header value (defence in depth). */
export function safeMediaType(mediaType: string): string {
  return /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i.test(mediaType) ? mediaType : 'application/octet-stream';
}
