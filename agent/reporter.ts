import type { ApiClient } from './api';
import type { NewEvent, Outbox } from './outbox';

const warn = (message: string) => process.stderr.write(`warning: ${message}\n`);

/**
 * The outbox as a sync uses it: events are queued durably, then sent at each step so the service
 * desk sees progress live. Once delivery fails in a run, later steps stop trying (each attempt
 * could wait for a timeout) until the final forced flush.
 */
export class Reporter {
  private pending: string | null = null;

  constructor(
    private readonly outbox: Outbox,
    private readonly api: ApiClient,
  ) {}

  add(event: NewEvent): Promise<void> {
    return this.outbox.add(event);
  }

  /** Returns how many events were delivered. */
  async flush(force = false): Promise<number> {
    if (this.outbox.size === 0 || (this.pending && !force)) return 0;
    const wasPending = this.pending;
    const result = await this.outbox.flush(this.api, warn);
    this.pending = result.pending;
    if (result.pending && !wasPending) warn(`reports could not be delivered (${result.pending}); they stay queued`);
    return result.delivered;
  }

  get undelivered(): number {
    return this.outbox.size;
  }

  get reason(): string | null {
    return this.pending;
  }
}
