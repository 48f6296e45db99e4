import { Children, cloneElement, isValidElement } from 'react';
import type { ActionState } from './action-state';

export const inputClass =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200 aria-[invalid=true]:border-red-500';

/**
 * A labelled field with its hint and error, wired for screen readers: the control inside (the
 * child whose id is `name`, or a bare input, select or textarea) is marked invalid and described
 * by the error, or else by the hint, unless it says otherwise itself; without a name of its own
 * it is submitted under `name`. One place for the label's
 * contrast and the error's wording, so every form gets a fix to them.
 */
export function Field({
  label,
  name,
  error,
  hint,
  labelHidden = false,
  children,
}: {
  label: React.ReactNode;
  /** For a lone search box whose placeholder and button say enough: the name is still there for screen readers. */
  labelHidden?: boolean;
  name: string;
  error?: string;
  hint?: React.ReactNode;
  children: React.ReactNode;
}) {
  const describedBy = error ? `${name}-error` : hint ? `${name}-hint` : undefined;
  return (
    <div>
      <label htmlFor={name} className={labelHidden ? 'sr-only' : 'block text-sm font-medium text-slate-700'}>
        {label}
      </label>
      {wireControl(children, name, describedBy, Boolean(error))}
      {hint && !error && (
        <p id={`${name}-hint`} className="mt-1 text-xs text-slate-600">
          {hint}
        </p>
      )}
      <FieldError id={`${name}-error`} message={error} testId={`error-${name}`} />
    </div>
  );
}

/** A field's error, for a group of controls (a fieldset of checkboxes) that points at it itself. */
export function FieldError({ id, message, testId }: { id: string; message?: string; testId?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="mt-1 text-sm text-red-700" data-testid={testId}>
      {message}
    </p>
  );
}

const nativeControls = new Set(['input', 'select', 'textarea']);

function wireControl(children: React.ReactNode, name: string, describedBy: string | undefined, invalid: boolean) {
  return Children.map(children, (child) => {
    if (!isValidElement<Record<string, unknown>>(child)) return child;
    const props = child.props;
    const isControl = props.id === name || (props.id === undefined && typeof child.type === 'string' && nativeControls.has(child.type));
    if (!isControl || props.type === 'hidden') return child;
    return cloneElement(child, {
      id: name,
      name: props.name ?? name,
      'aria-invalid': props['aria-invalid'] ?? (invalid ? true : undefined),
      'aria-describedby': props['aria-describedby'] ?? describedBy,
    });
  });
}

/**
 * The state to show above a form: its message, unless that message is already shown beside one
 * of the fields the form renders. A service error about a field the form has no input for (a
 * duplicate request names `productId`, a hidden input) must still be seen, at the top.
 */
export function summaryOf(state: ActionState, shownFields: readonly string[]): ActionState {
  const shownBeside = shownFields.some((f) => state.error && state.fieldErrors?.[f]?.includes(state.error));
  return shownBeside ? {} : state;
}

export function FormError({ state }: { state: ActionState }) {
  if (state.success)
    return (
      <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
        {state.success}
      </p>
    );
  if (!state.error) return null;
  return (
    <p role="alert" data-testid="form-error" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {state.error}
    </p>
  );
}

/**
 * Submits through a transition instead of the form's own action, so React does not reset the
 * fields after the action returns: a form with errors keeps what the person typed.
 */
export function submitKeepingInput(dispatch: (form: FormData) => void, startTransition: (fn: () => void) => void) {
  return (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    startTransition(() => dispatch(form));
  };
}

/**
 * For a destructive button in a form with a `reason` field: asks "are you sure?" only once a
 * reason is given. Without one the form is submitted as is and the service's "give the reason"
 * appears beside the field, instead of a confirmation for something that cannot happen yet.
 */
export function confirmOnceReasoned(message: string) {
  return (e: React.MouseEvent<HTMLButtonElement>) => {
    const field = e.currentTarget.form?.elements.namedItem('reason');
    const reason = field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement ? field.value.trim() : '';
    if (reason && !confirm(message)) e.preventDefault();
  };
}
