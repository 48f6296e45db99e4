'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useRef } from 'react';

/**
 * After a client-side navigation, moves focus to the new page's main heading, as a full page load
 * would start a screen reader at the top: otherwise focus stays on the link just followed and the
 * new page is not announced. The first render is left alone (the browser handles a page load).
 */
export function RouteFocus() {
  // Null while a Pages Router route renders (pages/ exists for the download endpoint).
  const pathname = usePathname() ?? '';
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = document.querySelector<HTMLElement>('main h1');
    if (!heading) return;
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }, [pathname]);
  return null;
}
