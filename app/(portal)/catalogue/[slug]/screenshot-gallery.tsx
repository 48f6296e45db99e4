import type { ScreenshotView } from '@/lib/catalogue/screenshots';

/** The product's screenshots in a row that scrolls sideways (one at a time on a phone). */
export function ScreenshotGallery({ screenshots }: { screenshots: ScreenshotView[] }) {
  if (screenshots.length === 0) return null;
  return (
    <section aria-labelledby="screenshots">
      <h2 id="screenshots" className="text-lg font-semibold">
        Screenshots
      </h2>
      {/* The region (not the list) scrolls, so keyboard users can scroll it and the list keeps its role. */}
      <div className="mt-3 overflow-x-auto pb-2" role="region" aria-label="Screenshots, scroll sideways for more" tabIndex={0}>
        <ul className="flex snap-x snap-mandatory gap-4">
          {screenshots.map((s) => (
            <li key={s.id} className="w-[85%] shrink-0 snap-start sm:w-80">
              <a href={s.src} target="_blank" rel="noopener" className="block rounded-lg border border-slate-200 bg-white p-1">
                {/* eslint-disable-next-line @next/next/no-img-element -- served from the DML by hash; no optimiser in between */}
                <img
                  src={s.src}
                  alt={s.altText}
                  loading="lazy"
                  className="aspect-video w-full rounded object-contain"
                  data-testid="screenshot"
                />
                <span className="sr-only"> (opens the full-size image in a new tab)</span>
              </a>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
