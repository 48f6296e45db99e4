import { ForbiddenMessage } from '@/app/ui/status-message';

/** forbidden() in a portal page (a role check failed): shown inside the portal layout, with its navigation. */
export default function PortalForbidden() {
  return <ForbiddenMessage />;
}
