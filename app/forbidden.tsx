import { ForbiddenMessage } from '@/app/ui/status-message';

/** forbidden() outside the portal (the /forbidden route itself): root layout only, so its own <main>. */
export default function Forbidden() {
  return (
    <main id="main">
      <ForbiddenMessage />
    </main>
  );
}
