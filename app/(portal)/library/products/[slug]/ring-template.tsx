import type { Actor } from '@/lib/auth/roles';
import { ringTemplateForm } from '@/lib/rings/delivery';
import { formatDateTime } from '@/app/ui/format';
import { RingTemplateForm } from './ring-template-form';

/** The product's first ring (continuous delivery): what is saved, in words, and the form to change it. */
export async function RingTemplate({ actor, productId, slug }: { actor: Actor; productId: string; slug: string }) {
  const { template, targets, environments } = await ringTemplateForm(actor, productId);
  const targetName = (id: string | null | undefined) => targets.find((t) => t.id === id)?.name ?? 'an archived target';
  return (
    <section className="mt-8 rounded-xl border border-slate-200 bg-white p-5" aria-labelledby="first-ring">
      <h2 id="first-ring" className="font-semibold">
        First ring (continuous delivery)
      </h2>
      {template ? (
        <div className="mt-2 text-sm text-slate-700" data-testid="ring-template">
          <p>
            A release the pipeline publishes goes as <strong>{template.name}</strong> ({template.intent}) to {targetName(template.targetId)}{' '}
            in {environments.find((e) => e.key === template.environment)?.name ?? template.environment}; halts at{' '}
            {template.haltFailurePercent} % failures of at least {template.haltMinReports} reports. Saved{' '}
            {formatDateTime(template.updatedAt)}.
          </p>
          <ol className="mt-1 list-decimal pl-5">
            {template.phases.map((p, i) => (
              <li key={i}>
                {p.name}: {p.targetId ? targetName(p.targetId) : `${p.percent} %`}, gate{' '}
                {[p.gatePercent != null && `${p.gatePercent} % succeeded`, p.gateCount != null && `${p.gateCount} devices`]
                  .filter(Boolean)
                  .join(' or ')}
              </li>
            ))}
          </ol>
        </div>
      ) : (
        <p className="mt-2 text-sm text-slate-600">
          None yet: the pipeline cannot deploy this product by itself until a first ring is saved.
        </p>
      )}
      <RingTemplateForm productId={productId} slug={slug} saved={template} targets={targets} environments={environments} />
    </section>
  );
}
