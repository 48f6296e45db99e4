/**
 * Shows HTML that lib/catalogue/release-notes.ts rendered from Markdown (raw HTML refused there).
 * Only ever pass that renderer's output here, never user text.
 */
export function RenderedMarkdown({ html, className = '' }: { html: string; className?: string }) {
  return (
    <div
      className={`space-y-2 break-words text-sm text-slate-700 [&_a]:font-medium [&_a]:text-indigo-700 [&_a]:underline [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_h4]:font-semibold [&_h5]:font-semibold [&_h6]:font-semibold [&_ol]:list-decimal [&_ol]:pl-5 [&_pre]:overflow-x-auto [&_pre]:rounded [&_pre]:bg-slate-100 [&_pre]:p-2 [&_ul]:list-disc [&_ul]:pl-5 ${className}`}
      data-testid="release-notes"
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
