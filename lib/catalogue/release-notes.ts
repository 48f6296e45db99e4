import MarkdownIt from 'markdown-it';

/**
 * Release notes are written by librarians but read by everyone, so they are rendered as Markdown
 * with raw HTML switched off (it is shown as text, never parsed): no tag, attribute or event
 * handler a librarian types can reach the page. markdown-it's link check refuses javascript:,
 * vbscript:, file: and data: URLs; images are off (the page CSP would block remote ones anyway).
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
md.disable(['image']);

// Only web and mail links survive, and they open without handing the portal to the target.
const defaultValidate = md.validateLink.bind(md);
md.validateLink = (url) => defaultValidate(url) && /^(https?:|mailto:|#|\/(?!\/))/i.test(url.trim());

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('rel', 'nofollow noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** The notes as safe HTML. Headings are demoted so they sit under the release's own heading. */
export function renderReleaseNotes(markdown: string): string {
  const tokens = md.parse(markdown, {});
  for (const t of tokens) {
    if (t.type === 'heading_open' || t.type === 'heading_close') {
      const level = Math.min(6, Number(t.tag.slice(1)) + 3);
      t.tag = `h${level}`;
    }
  }
  return md.renderer.render(tokens, md.options, {});
}
