import { NotFoundMessage } from '@/app/ui/status-message';

/** notFound() in a portal page: shown inside the portal layout, whose <main> and navigation it keeps. */
export default function PortalNotFound() {
  return <NotFoundMessage />;
}
