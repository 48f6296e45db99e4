'use client';

import { useEffect, useRef } from 'react';

/**
 * A <details> menu that behaves like one: Escape closes it and gives focus back to its summary,
 * and a click or tap outside closes it. Without script it is still a plain disclosure.
 */
export function DismissibleDetails({ children, ...props }: React.ComponentProps<'details'>) {
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    const outside = (e: PointerEvent) => {
      const el = ref.current;
      if (el?.open && e.target instanceof Node && !el.contains(e.target)) el.open = false;
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, []);
  return (
    <details
      ref={ref}
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || !ref.current?.open) return;
        ref.current.open = false;
        ref.current.querySelector('summary')?.focus();
      }}
      {...props}
    >
      {children}
    </details>
  );
}
