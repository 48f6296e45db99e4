'use client';

/** Last resort: a plain message, never a stack trace. */
export default function GlobalError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', padding: '4rem', textAlign: 'center' }}>
        <h1>Something went wrong</h1>
        <p>The portal could not show this page. Try again; if it keeps happening, contact the service desk.</p>
        <button onClick={reset}>Try again</button>
      </body>
    </html>
  );
}
