import type { DeviceRemoval } from '@/lib/removals/queries';
import { RemovalActions, RemoveSoftware } from './removal-controls';

/** Where a removal stands for one installed item, and what can be done about it. */
export function RemovalCell(props: {
  deviceId: string;
  removal: DeviceRemoval | undefined;
  product: { slug: string; name: string };
  canRemove: boolean;
}) {
  const r = props.removal;
  if (!r) {
    return props.canRemove ? (
      <RemoveSoftware deviceId={props.deviceId} productSlug={props.product.slug} productName={props.product.name} />
    ) : null;
  }
  return (
    <div className="space-y-1 text-xs">
      {r.status === 'pending' ? (
        <p className="font-medium text-amber-900">Removal requested: waiting for the agent’s next sync</p>
      ) : (
        <>
          <p className="font-medium text-red-800">Removal failed{r.attempts > 1 ? ` (attempt ${r.attempts})` : ''}</p>
          {r.errorText && (
            <pre className="max-w-xs overflow-x-auto whitespace-pre-wrap rounded bg-slate-50 p-2 font-mono text-[11px] text-slate-800">
              {r.errorText}
            </pre>
          )}
        </>
      )}
      <RemovalActions deviceId={props.deviceId} removalId={r.id} failed={r.status === 'failed'} />
    </div>
  );
}
