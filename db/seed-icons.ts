/**
 * A few demo product icons, as self-contained SVGs (no scripts, links or external references,
 * so they pass the same upload check a librarian's SVG does). Simple shapes, not vendor logos.
 */
const tile = (bg: string, body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">` +
  `<rect width="64" height="64" rx="14" fill="${bg}"/>${body}</svg>`;

export const seedIcons: Record<string, string> = {
  // A globe with a swoosh: a browser.
  firefox: tile(
    '#c2410c',
    '<circle cx="32" cy="32" r="18" fill="#fed7aa"/><path d="M14 32a18 18 0 0 0 36 0c-6 6-16 8-24 2s-8-14-2-20c-6 3-10 10-10 18z" fill="#7c2d12"/>',
  ),
  // Angle brackets: a code editor.
  'visual-studio-code': tile(
    '#1d4ed8',
    '<path d="M26 20 14 32l12 12M38 20l12 12-12 12" fill="none" stroke="#fff" stroke-width="6" stroke-linecap="round" stroke-linejoin="round"/>',
  ),
  // A branch: version control.
  git: tile(
    '#b91c1c',
    '<g fill="none" stroke="#fff" stroke-width="5" stroke-linecap="round"><path d="M24 16v32M24 30c0-8 16-4 16-12"/></g><circle cx="24" cy="16" r="5" fill="#fff"/><circle cx="24" cy="48" r="5" fill="#fff"/><circle cx="40" cy="18" r="5" fill="#fff"/>',
  ),
  // A crystal: notes linked together.
  obsidian: tile('#5b21b6', '<path d="M32 10 46 24 40 52H24L18 24z" fill="#ddd6fe"/><path d="M32 10 40 52H24z" fill="#a78bfa"/>'),
  // A compressed file.
  '7-zip': tile(
    '#0f172a',
    '<rect x="18" y="12" width="28" height="40" rx="4" fill="#e2e8f0"/><path d="M32 12v6m0 4v6m0 4v6" stroke="#0f172a" stroke-width="4"/><rect x="28" y="40" width="8" height="8" rx="2" fill="#0f172a"/>',
  ),
  // A key: a password manager.
  keepassxc: tile(
    '#047857',
    '<circle cx="24" cy="32" r="10" fill="none" stroke="#fff" stroke-width="6"/><path d="M34 32h18m-6 0v8m-6-8v6" stroke="#fff" stroke-width="6" stroke-linecap="round"/>',
  ),
};
