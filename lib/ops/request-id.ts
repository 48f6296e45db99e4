import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What a proxy may hand us as a request id: short, printable, nothing that could forge a log line. */
const ACCEPTABLE = /^[A-Za-z0-9._:@-]{8,128}$/;

/**
 * The id of one request: the one the trusted proxy in front sent (so its logs and ours line up),
 * or a fresh one when there is no trusted proxy or what came is unusable.
 */
export function requestIdFor(incoming: string | string[] | undefined, trustProxy: boolean): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return trustProxy && value && ACCEPTABLE.test(value) ? value : randomUUID();
}

// On globalThis: the request observer (instrumentation bundle) sets it, route bundles read it.
const holder = globalThis as unknown as { [key: symbol]: AsyncLocalStorage<string> | undefined };
const KEY = Symbol.for('portal.requestId');
export const requestIdStore = (): AsyncLocalStorage<string> => (holder[KEY] ??= new AsyncLocalStorage<string>());

/** The id of the request being served, for error bodies and log lines; undefined outside a request. */
export const currentRequestId = (): string | undefined => requestIdStore().getStore();
