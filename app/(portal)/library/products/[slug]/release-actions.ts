'use server';

import { revalidatePath } from 'next/cache';
import { requireActor } from '@/lib/auth/session';
import { removeArtifact } from '@/lib/dml/ingest';
import { setUninstallCommand, uninstallCommandInput } from '@/lib/dml/uninstall-command';
import type { DmlPrincipal } from '@/lib/dml/principal';
import { createRelease, deleteDraftRelease, deprecateRelease, publishRelease, withdrawRelease } from '@/lib/dml/releases';
import { publishInput, releaseInput, withdrawInput } from '@/lib/dml/schema';
import { revokeEntitlement } from '@/lib/requests/lifecycle';
import { fromServiceError, fromZodError, type ActionState } from '@/app/ui/action-state';

const librarian = async (): Promise<DmlPrincipal> => ({ kind: 'user', actor: await requireActor() });

/** Runs one service call for a product page form and refreshes what it changed. */
async function run(slug: string, done: string, call: () => Promise<unknown>): Promise<ActionState> {
  try {
    await call();
  } catch (e) {
    return fromServiceError(e);
  }
  revalidatePath(`/library/products/${slug}`);
  revalidatePath(`/catalogue/${slug}`);
  revalidatePath('/library');
  return { success: done };
}

export async function createReleaseAction(productId: string, slug: string, _: ActionState, form: FormData): Promise<ActionState> {
  const input = releaseInput.safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  return run(slug, `Draft ${input.data.version} created. Add its artifacts, then publish.`, async () =>
    createRelease(await librarian(), productId, input.data),
  );
}

export async function publishAction(releaseId: string, slug: string, _: ActionState, form: FormData): Promise<ActionState> {
  const input = publishInput.safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  return run(slug, 'Published.', async () => publishRelease(await librarian(), releaseId, input.data));
}

export async function deprecateAction(releaseId: string, slug: string): Promise<ActionState> {
  return run(slug, 'Deprecated.', async () => deprecateRelease(await librarian(), releaseId));
}

export async function withdrawAction(releaseId: string, slug: string, _: ActionState, form: FormData): Promise<ActionState> {
  const input = withdrawInput.safeParse(Object.fromEntries(form));
  if (!input.success) return fromZodError(input.error);
  return run(slug, 'Withdrawn.', async () => withdrawRelease(await librarian(), releaseId, input.data.reason));
}

export async function deleteDraftAction(releaseId: string, slug: string): Promise<ActionState> {
  return run(slug, 'Draft deleted.', async () => deleteDraftRelease(await librarian(), releaseId));
}

export async function removeArtifactAction(artifactId: string, slug: string): Promise<ActionState> {
  return run(slug, 'Artifact removed.', async () => removeArtifact(await librarian(), artifactId));
}

export async function revokeSeatAction(entitlementId: string, slug: string): Promise<ActionState> {
  return run(slug, 'Seat revoked.', async () => revokeEntitlement(await requireActor(), entitlementId, 'Revoked by a librarian'));
}

/** The uninstall command of one build; the service validates, checks the role and audits. */
export async function uninstallCommandAction(slug: string, _: ActionState, form: FormData): Promise<ActionState> {
  const input = uninstallCommandInput.safeParse({
    artifactId: form.get('artifactId'),
    uninstallCommand: form.get('uninstallCommand') ?? '',
  });
  if (!input.success) return fromZodError(input.error);
  const artifactId = input.data.artifactId;
  const command = input.data.uninstallCommand;
  return run(slug, command ? 'Uninstall command saved.' : 'Uninstall command cleared.', async () =>
    setUninstallCommand(await librarian(), { artifactId, uninstallCommand: command ?? '' }),
  );
}
