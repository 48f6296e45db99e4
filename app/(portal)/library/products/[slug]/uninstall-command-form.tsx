'use client';

import { startTransition, useActionState, useId } from 'react';
import { FormError, inputClass, submitKeepingInput } from '@/app/ui/form';
import { uninstallCommandAction } from './release-actions';

/**
 * The command the agent runs to remove this build (blank: it deletes the file it placed). Editable
 * on published releases too: it is not part of the hashed bytes, and every change is audited.
 */
export function UninstallCommandForm({
  artifactId,
  slug,
  platform,
  command,
}: {
  artifactId: string;
  slug: string;
  platform: string;
  command: string | null;
}) {
  const [state, save, saving] = useActionState(uninstallCommandAction.bind(null, slug), {});
  const id = useId();
  return (
    // Folded: six builds a release, each with an open form, would bury the release controls.
    <details className="w-full text-xs" data-testid="uninstall-command-form">
      <summary className="cursor-pointer text-slate-700">
        Uninstall command: {command ? <code className="break-all font-mono">{command}</code> : 'none (the agent deletes the file)'}
      </summary>
      <form onSubmit={submitKeepingInput(save, startTransition)} className="mt-2">
        <input type="hidden" name="artifactId" value={artifactId} />
        <label htmlFor={id} className="text-xs font-medium text-slate-700">
          Uninstall command ({platform})
        </label>
        <div className="mt-1 flex flex-wrap gap-2">
          <input
            id={id}
            name="uninstallCommand"
            defaultValue={command ?? ''}
            maxLength={1000}
            placeholder="none: the agent deletes the file it placed"
            className={`${inputClass} min-w-0 flex-1 font-mono text-xs`}
            aria-describedby={`${id}-hint`}
          />
          <button
            type="submit"
            disabled={saving}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:opacity-60"
          >
            Save
          </button>
        </div>
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
          Run by the agent when an owner removes this software. Changes are audited.
        </p>
        <FormError state={state} />
      </form>
    </details>
  );
}
