import { NotFoundMessage } from '@/app/ui/status-message';

/** A URL no route matches: rendered in the root layout only, so it brings its own <main>. */
export default function NotFound() {
  return (
    <main id="main">
      <NotFoundMessage />
    </main>
  );
}
