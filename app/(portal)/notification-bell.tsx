import type { Actor } from '@/lib/auth/roles';
import { listNotifications } from '@/lib/notifications/service';
import { DismissibleDetails } from '@/app/ui/dismissible-details';
import { formatDateTime } from '@/app/ui/format';
import { markAllNotificationsReadAction, openNotificationAction } from './notification-actions';

/**
 * The bell in the header: unread count, and the latest ten notifications in a dropdown. Opening
 * one marks it read and goes to its page; the dropdown is re-mounted (so closed) whenever what it
 * shows changes.
 */
export async function NotificationBell({ actor }: { actor: Actor }) {
  const { unread, items } = await listNotifications(actor, 10);
  const label = unread === 0 ? 'Notifications, none unread' : `Notifications, ${unread} unread`;
  return (
    <DismissibleDetails key={`${unread}/${items[0]?.id ?? ''}`} className="group relative" data-testid="notification-bell">
      <summary
        aria-label={label}
        title={label}
        className="relative flex h-9 w-9 cursor-pointer list-none items-center justify-center rounded-full text-slate-600 hover:bg-slate-100 hover:text-slate-900 group-open:bg-slate-100 [&::-webkit-details-marker]:hidden"
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} className="h-5 w-5">
          <path
            strokeLinecap="round"
            strokeLinejoin="round"
            d="M14.857 17.082a23.848 23.848 0 0 0 5.454-1.31A8.967 8.967 0 0 1 18 9.75V9A6 6 0 0 0 6 9v.75a8.967 8.967 0 0 1-2.312 6.022c1.733.64 3.56 1.085 5.455 1.31m5.714 0a24.255 24.255 0 0 1-5.714 0m5.714 0a3 3 0 1 1-5.714 0"
          />
        </svg>
        {unread > 0 && (
          <span
            aria-hidden="true"
            className="absolute -top-0.5 -right-0.5 flex h-4 min-w-4 items-center justify-center rounded-full bg-red-600 px-1 text-[10px] font-semibold text-white"
            data-testid="unread-count"
          >
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </summary>
      <div className="fixed inset-x-4 top-16 z-20 overflow-hidden rounded-xl border border-slate-200 bg-white text-sm shadow-lg sm:absolute sm:inset-x-auto sm:top-auto sm:right-0 sm:mt-2 sm:w-96">
        <div className="flex items-center justify-between border-b border-slate-200 px-4 py-2.5">
          <h2 className="font-semibold">Notifications</h2>
          {unread > 0 && (
            <form action={markAllNotificationsReadAction}>
              <button type="submit" className="text-xs font-medium text-indigo-700 hover:underline">
                Mark all read
              </button>
            </form>
          )}
        </div>
        {items.length === 0 ? (
          <p className="px-4 py-6 text-center text-slate-600">Nothing yet. You will hear here when a request moves on.</p>
        ) : (
          <ul className="max-h-96 divide-y divide-slate-100 overflow-y-auto">
            {items.map((n) => (
              <li key={n.id}>
                <form action={openNotificationAction}>
                  <input type="hidden" name="id" value={n.id} />
                  <input type="hidden" name="link" value={n.link ?? '/requests'} />
                  <button
                    type="submit"
                    className={`block w-full px-4 py-2.5 text-left hover:bg-slate-50 ${n.read ? '' : 'bg-indigo-50/50'}`}
                    data-testid="notification"
                  >
                    <span className="flex items-start gap-2">
                      {!n.read && <span aria-hidden="true" className="mt-1.5 h-2 w-2 shrink-0 rounded-full bg-indigo-600" />}
                      <span className="min-w-0">
                        <span className={`block ${n.read ? 'text-slate-700' : 'font-semibold text-slate-900'}`}>
                          {n.title}
                          {!n.read && <span className="sr-only"> (unread)</span>}
                        </span>
                        {n.body && <span className="mt-0.5 line-clamp-2 block text-xs text-slate-600">{n.body}</span>}
                        <time dateTime={n.createdAt.toISOString()} className="mt-0.5 block text-xs text-slate-500">
                          {formatDateTime(n.createdAt)}
                        </time>
                      </span>
                    </span>
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
      </div>
    </DismissibleDetails>
  );
}
