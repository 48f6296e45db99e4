import { ValidationError } from '@/lib/errors';

export type RasterType = 'image/png' | 'image/jpeg' | 'image/webp';
export type ImageType = RasterType | 'image/svg+xml';

const startsWith = (bytes: Uint8Array, magic: readonly number[], at = 0) => magic.every((b, i) => bytes[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The raster type the bytes really are (by their magic number, never the file name), or null. */
export function sniffRaster(bytes: Uint8Array): RasterType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  return null;
}

/** True when the bytes are UTF-8 text whose root element is <svg> (after an optional prolog). */
function looksLikeSvg(text: string): boolean {
  const body = text
    .replace(/^\uFEFF/, '')
    .replace(/^\s*<\?xml[^>]*\?>/, '')
    .replace(/^(\s*<!--[\s\S]*?-->)*/, '')
    .trimStart();
  return /^<svg[\s>]/i.test(body);
}

/**
 * Anything in an SVG that could run script, load something from elsewhere or expand entities.
 * An icon needs none of it, so such a file is refused rather than cleaned (a cleaner that misses
 * one trick serves it; a refusal does not). The icon route adds a sandboxing CSP on top.
 */
const hostileSvg: [RegExp, string][] = [
  [/<!DOCTYPE|<!ENTITY/i, 'a DOCTYPE or entity'],
  [/<\s*(script|foreignObject|iframe|embed|object|audio|video|handler|listener)\b/i, 'a script or embedded element'],
  [/[\s"'/]on[a-z]+\s*=/i, 'an event-handler attribute (on…)'],
  [/\b(javascript|vbscript|data)\s*:/i, 'a script or data URL'],
  [/\b(xlink:)?href\s*=\s*["']?\s*(?!#)/i, 'a link to another document'],
  [/url\(\s*["']?\s*(?!#)/i, 'a reference to another file'],
  [/@import/i, 'a stylesheet import'],
];

/**
 * Checks an uploaded image and returns its real type. `field` names the form field in errors.
 * SVG is accepted only where `allowSvg` is set (icons), and only when it is self-contained.
 */
export function checkImage(bytes: Uint8Array, opts: { field: string; maxBytes: number; allowSvg: boolean; what: string }): ImageType {
  const { field, maxBytes, allowSvg, what } = opts;
  if (bytes.length === 0) throw new ValidationError('Choose an image file.', field);
  if (bytes.length > maxBytes) throw new ValidationError(`${what} is at most ${Math.round(maxBytes / 1024)} KiB.`, field);
  const raster = sniffRaster(bytes);
  if (raster) return raster;
  const kinds = allowSvg ? 'PNG, JPEG, WebP or SVG' : 'PNG, JPEG or WebP';
  if (!allowSvg) throw new ValidationError(`${what} must be a ${kinds} image.`, field);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ValidationError(`${what} must be a ${kinds} image.`, field);
  }
  // The hostile check comes first so that an SVG hidden behind a DOCTYPE is named for what it is.
  const found = /<svg[\s>]/i.test(text) && hostileSvg.find(([pattern]) => pattern.test(text));
  if (found) throw new ValidationError(`This SVG contains ${found[1]}; upload a plain, self-contained SVG.`, field);
  if (!looksLikeSvg(text)) throw new ValidationError(`${what} must be a ${kinds} image.`, field);
  return 'image/svg+xml';
}
