import { describe, expect, it } from 'vitest';
import { renderReleaseNotes } from '@/lib/catalogue/release-notes';

/** Everything a hostile librarian could type must come out as inert text. */
describe('release notes rendered as Markdown', () => {
  it('renders the usual Markdown: emphasis, lists, code and web links', () => {
    const html = renderReleaseNotes('**New**\n\n- one\n- `two`\n\n[notes](https://example.com/notes)');
    expect(html).toContain('<strong>New</strong>');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('<code>two</code>');
    expect(html).toContain('<a href="https://example.com/notes" rel="nofollow noopener noreferrer">notes</a>');
  });

  it('puts headings below the release heading (h4 and lower)', () => {
    expect(renderReleaseNotes('# Big\n\n## Smaller')).toBe('<h4>Big</h4>\n<h5>Smaller</h5>\n');
  });

  it.each([
    ['a script element', '<script>alert(1)</script>'],
    ['an event handler', '<img src=x onerror="alert(1)">'],
    ['raw HTML with a style', '<div style="position:fixed">x</div>'],
    ['an iframe', '<iframe src="https://evil.example"></iframe>'],
    ['an svg with onload', '<svg onload=alert(1)>'],
  ])('shows %s as text, never as markup', (_, input) => {
    const html = renderReleaseNotes(input);
    expect(html).not.toMatch(/<(script|img|div|iframe|svg)\b/i);
    expect(html).toContain('&lt;');
  });

  it.each([
    ['javascript:', '[click](javascript:alert(1))'],
    ['JavaScript: in capitals', '[click](JaVaScRiPt:alert(1))'],
    ['an entity-encoded javascript:', '[click](java&#x73;cript:alert(1))'],
    ['vbscript:', '[click](vbscript:msgbox(1))'],
    ['data:', '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['a protocol-relative URL', '[click](//evil.example/x)'],
    ['an autolink to javascript:', '<javascript:alert(1)>'],
  ])('refuses a link to %s', (_, input) => {
    const html = renderReleaseNotes(input);
    expect(html).not.toMatch(/<a\b/);
    expect(html.toLowerCase()).not.toMatch(/href="(javascript|vbscript|data):/);
  });

  it('never renders images (a tracking pixel or a remote picture)', () => {
    expect(renderReleaseNotes('![x](https://evil.example/pixel.png)')).not.toContain('<img');
  });

  it('cannot smuggle attributes through a link title or text', () => {
    const html = renderReleaseNotes('[x" onmouseover="alert(1)](https://example.com "t\\" onclick=\\"alert(1)")');
    expect(html).not.toMatch(/\son[a-z]+="/i);
  });
});
