const palette = [
  'bg-indigo-700',
  'bg-emerald-700',
  'bg-sky-700',
  'bg-rose-700',
  'bg-amber-700',
  'bg-violet-700',
  'bg-teal-700',
  'bg-fuchsia-700',
];

function initials(name: string): string {
  const words = name
    .replace(/[^\p{L}\p{N} ]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
  return ((words[0]?.[0] ?? '?') + (words[1]?.[0] ?? words[0]?.[1] ?? '')).toUpperCase();
}

/** The product's uploaded icon, or a tile with its initials in a colour derived from its name. */
/** `icon` is the icon's version (its content hash), so a new icon is never served from a stale cache. */
export function ProductIcon({ name, slug, icon, size = 'md' }: { name: string; slug: string; icon: string | null; size?: 'md' | 'lg' }) {
  const box = size === 'lg' ? 'h-16 w-16 text-xl rounded-2xl' : 'h-12 w-12 text-base rounded-xl';
  if (icon) {
    return <img src={`/api/products/${slug}/icon?v=${icon.slice(0, 16)}`} alt="" className={`${box} shrink-0 object-contain`} />;
  }
  let h = 0;
  for (const c of slug) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return (
    <div
      aria-hidden="true"
      className={`${box} ${palette[h % palette.length]} flex shrink-0 items-center justify-center font-semibold text-white`}
    >
      {initials(name)}
    </div>
  );
}
