import type { Metadata } from 'next';
import Link from 'next/link';
import { requireArea } from '@/lib/auth/session';
import { auditFilterInput, listAuditEntityTypes, listAuditEvents, type AuditEventView, type AuditPage } from '@/lib/audit/queries';
import { fromServiceError, fromZodError, type ActionState } from '@/app/ui/action-state';
import { FilterBar } from '@/app/ui/filter-bar';
import { Field, FormError, inputClass } from '@/app/ui/form';
import { KeysetPager, Table } from '@/app/ui/table';
import { Breadcrumb } from '@/app/ui/breadcrumb';

export const metadata: Metadata = { title: 'Audit log' };

type Search = Record<string, string | string[] | undefined>;
const keys = ['entityType', 'entityId', 'action', 'actor', 'from', 'to'] as const;
type Key = (typeof keys)[number];

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });

function Changes({ before, after }: Pick<AuditEventView, 'before' | 'after'>) {
  if (before == null && after == null) return <span className="text-slate-500">—</span>;
  const parts = [
    ['before', before],
    ['after', after],
  ].filter(([, v]) => v != null) as [string, unknown][];
  return (
    <details className="group max-w-md">
      <summary className="cursor-pointer select-none text-xs font-medium text-indigo-700 hover:underline">
        {parts.map(([k]) => k).join(' / ')}
      </summary>
      {parts.map(([k, v]) => (
        <div key={k} className="mt-1">
          <div className="text-xs uppercase text-slate-500">{k}</div>
          <pre className="whitespace-pre-wrap break-all rounded bg-slate-50 px-2 py-1 font-mono text-xs">{JSON.stringify(v)}</pre>
        </div>
      ))}
    </details>
  );
}

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<Search> }) {
  const actor = await requireArea('/admin');
  const raw = await searchParams;
  const value = (k: string) => (typeof raw[k] === 'string' ? raw[k] : '');
  const current = Object.fromEntries(keys.map((k) => [k, value(k)])) as Record<Key, string>;
  const parsed = auditFilterInput.safeParse({ ...current, cursor: value('cursor') });

  let state: ActionState = {};
  let page: AuditPage | null = null;
  if (!parsed.success) state = fromZodError(parsed.error);
  else {
    try {
      page = await listAuditEvents(actor, parsed.data);
    } catch (e) {
      state = fromServiceError(e);
    }
  }
  const types = await listAuditEntityTypes(actor);
  const href = (change: Partial<Record<Key | 'cursor', string>>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...current, ...change })) if (v) params.set(k, v);
    const s = params.toString();
    return s ? `/admin/audit?${s}` : '/admin/audit';
  };
  const error = (k: Key) => state.fieldErrors?.[k]?.[0];
  const filtered = keys.some((k) => current[k]);

  return (
    <div>
      <Breadcrumb parent={{ href: '/admin', label: 'Admin' }} current="Audit log" />
      <h1 className="mt-2 text-2xl font-semibold">Audit log</h1>
      <p className="mt-1 text-slate-600">Who did what to which record, and when. Append-only; newest first; times in UTC.</p>

      <FilterBar
        action="/admin/audit"
        label="Filter the audit log"
        formKey={JSON.stringify(current)}
        columns="sm:grid-cols-2 lg:grid-cols-5"
        actions="below"
        applyLabel="Filter"
        clearHref={filtered && '/admin/audit'}
        clearLabel="Clear filters"
        extra={
          <>
            <a
              href={`/admin/audit/export${href({ cursor: '' }).replace('/admin/audit', '')}`}
              className="text-sm font-medium text-indigo-700 underline underline-offset-2"
              data-testid="audit-export"
              download
            >
              Export CSV{filtered ? ' (these filters)' : ''}
            </a>
            {current.entityId && (
              <span
                className="inline-flex items-center gap-2 rounded-full bg-indigo-50 px-3 py-1 text-xs text-indigo-800"
                data-testid="entity-filter"
              >
                One entity: <code className="font-mono">{current.entityId}</code>
                <Link href={href({ entityId: '' })} aria-label="Show all entities" className="font-semibold hover:underline">
                  ×
                </Link>
              </span>
            )}
          </>
        }
      >
        {current.entityId && <input type="hidden" name="entityId" value={current.entityId} />}
        <Field label="Entity type" name="entityType" error={error('entityType')}>
          <select id="entityType" name="entityType" defaultValue={current.entityType} className={inputClass}>
            <option value="">All</option>
            {[...new Set([...types, ...(current.entityType ? [current.entityType] : [])])].map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Action starts with" name="action" error={error('action')}>
          <input id="action" name="action" defaultValue={current.action} maxLength={100} placeholder="request." className={inputClass} />
        </Field>
        <Field label="Actor" name="actor" error={error('actor')}>
          <input id="actor" name="actor" defaultValue={current.actor} maxLength={320} placeholder="email or id" className={inputClass} />
        </Field>
        <Field label="From" name="from" error={error('from')}>
          <input id="from" name="from" type="date" defaultValue={current.from} className={inputClass} />
        </Field>
        <Field label="To" name="to" error={error('to')}>
          <input id="to" name="to" type="date" defaultValue={current.to} className={inputClass} />
        </Field>
      </FilterBar>

      <div className="mt-6">
        <FormError state={state} />
      </div>

      {page && (
        <Table
          label="Audit events"
          className="mt-2"
          head={['Time (UTC)', 'Actor', 'Action', 'Entity', 'Changes']}
          empty={page.events.length === 0 && (filtered ? 'No events match these filters.' : 'Nothing has been recorded yet.')}
          pager={<KeysetPager newestHref={value('cursor') && href({})} olderHref={page.nextCursor && href({ cursor: page.nextCursor })} />}
        >
          {page.events.map((e) => (
            <tr key={e.id} className="border-t border-slate-100 align-top" data-testid="audit-row">
              <td className="whitespace-nowrap px-4 py-2">
                <time dateTime={e.at.toISOString()}>{dateTime.format(e.at)}</time>
              </td>
              <td className="px-4 py-2">
                {e.actor.kind === 'system' ? (
                  <span className="font-medium">{e.actor.name}</span>
                ) : (
                  <Link
                    href={href({ actor: (e.actor.kind === 'user' ? e.actor.detail : e.actor.id) ?? '', cursor: '' })}
                    className="font-medium hover:underline"
                  >
                    {e.actor.name}
                  </Link>
                )}
                {e.actor.detail && <div className="text-xs text-slate-500">{e.actor.detail}</div>}
              </td>
              <td className="px-4 py-2">
                <code className="font-mono text-xs">{e.action}</code>
              </td>
              <td className="px-4 py-2">
                <div className="text-xs text-slate-500">{e.entityType}</div>
                <Link
                  href={href({ entityType: e.entityType, entityId: e.entityId })}
                  title={`${e.entityType} ${e.entityId}`}
                  aria-label={`Every event of ${e.entityName ?? `${e.entityType} ${e.entityId}`}`}
                  className={`text-indigo-700 hover:underline ${e.entityName ? 'text-sm' : 'font-mono text-xs'}`}
                  data-testid="entity-name"
                >
                  {e.entityName ?? (e.entityId.length > 13 ? `${e.entityId.slice(0, 8)}…` : e.entityId)}
                </Link>
              </td>
              <td className="px-4 py-2">
                <Changes before={e.before} after={e.after} />
              </td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
