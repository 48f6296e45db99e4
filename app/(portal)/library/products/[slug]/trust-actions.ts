'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { fromServiceError, fromZodError, type ActionState } from '@/app/ui/action-state';
import { requireActor } from '@/lib/auth/session';
import { ValidationError } from '@/lib/errors';
import { text } from '@/lib/text';
import { attachReleaseDocument, MAX_DOCUMENT_BYTES } from '@/lib/trust/documents';
import { addPublisherKey, retirePublisherKey, revokePublisherKey } from '@/lib/trust/keys';
import { setTrustPolicy } from '@/lib/trust/policy';

async function run(slug: string, done: string, call: () => Promise<unknown>): Promise<ActionState> {
  try {
    await call();
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/library/products/${slug}`);
  revalidatePath(`/catalogue/${slug}`);
  return { success: done };
}

const keyInput = z.object({
  kind: z.enum(['openpgp', 'sigstore'], { error: 'Choose OpenPGP or Sigstore.' }),
  label: text({ error: 'Give the key a label.' }).trim().min(1, 'Give the key a label.').max(200),
  // Empty only for a Sigstore keyless identity; the service says which kind needs a key.
  publicKey: text({ error: 'Paste the public key.' }).trim().max(20_000, 'A public key is at most 20,000 characters.').default(''),
  hint: text().trim().max(200).optional(),
  identity: text().trim().max(300).optional(),
  issuer: text().trim().max(300).optional(),
});

export async function addKeyAction(productId: string, slug: string, _: ActionState, form: FormData): Promise<ActionState> {
  const input = keyInput.safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  return run(slug, 'Key added.', async () => addPublisherKey(await requireActor(), productId, input.data));
}

export async function retireKeyAction(keyId: string, slug: string, _: ActionState, form: FormData): Promise<ActionState> {
  const input = z
    .object({ until: z.coerce.date({ error: 'Give the date the key stops being accepted.' }) })
    .safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  return run(slug, 'Key retired from that date.', async () => retirePublisherKey(await requireActor(), keyId, input.data.until));
}

export async function revokeKeyAction(keyId: string, slug: string, _: ActionState, form: FormData): Promise<ActionState> {
  const input = z.object({ reason: text().trim().max(2000).default('') }).safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  return run(slug, 'Key revoked; the releases it signed are marked for review.', async () =>
    revokePublisherKey(await requireActor(), keyId, input.data.reason),
  );
}

export async function trustPolicyAction(productId: string, slug: string, _: ActionState, form: FormData): Promise<ActionState> {
  return run(slug, 'Trust policy saved.', async () =>
    setTrustPolicy(await requireActor(), productId, {
      requireSignatures: form.get('requireSignatures') === 'on',
      requireSbom: form.get('requireSbom') === 'on',
      blockCriticalAdvisories: form.get('blockCriticalAdvisories') === 'on',
    }),
  );
}

export async function attachDocumentAction(releaseId: string, slug: string, _: ActionState, form: FormData): Promise<ActionState> {
  const kind = form.get('kind') === 'provenance' ? 'provenance' : 'sbom';
  const file = form.get('document');
  if (!(file instanceof File) || file.size === 0) return fromServiceError(new ValidationError('Choose the JSON file.', 'document'));
  if (file.size > MAX_DOCUMENT_BYTES) return fromServiceError(new ValidationError('The file is larger than 5 MB.', 'document'));
  const bytes = Buffer.from(await file.arrayBuffer());
  return run(slug, kind === 'sbom' ? 'SBOM attached.' : 'Provenance attached.', async () =>
    attachReleaseDocument({ kind: 'user', actor: await requireActor() }, releaseId, kind, bytes),
  );
}
