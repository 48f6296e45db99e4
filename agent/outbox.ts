import { randomUUID } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import { isRetryable, type ApiClient } from './api';
import { ApiError, messageOf } from './errors';
import { isRecord, readJsonFile, writeFileAtomic } from './fsutil';
import { AGENT_VERSION } from './version';

export type EventType =
  | 'download_started'
  | 'download_completed'
  | 'download_failed'
  | 'install_succeeded'
  | 'install_failed'
  | 'uninstalled'
  | 'uninstall_failed';

export type ReportEvent = {
  idempotencyKey: string;
  type: EventType;
  artifactId: string;
  /** The deployment this outcome belongs to (the server checks the device is assigned to it). */
  deploymentId?: string;
  occurredAt: string;
  exitCode?: number;
  errorText?: string;
  bytes?: number;
  agentVersion?: string;
};

export type NewEvent = Pick<ReportEvent, 'type' | 'artifactId' | 'deploymentId' | 'exitCode' | 'errorText' | 'bytes'>;

const BATCH = 100;
const ERROR_TEXT_MAX = 8000;

/** Why a flush stopped early, or null when the outbox is empty. */
export type FlushResult = { delivered: number; dropped: number; pending: string | null };

/**
 * Install reports, persisted before they are sent. Each event gets its idempotency key when it is
 * created, so however often a batch is retried (a lost answer, a killed run) the server records
 * it once. The file is rewritten atomically after every change, so a kill loses nothing.
 */
export class Outbox {
  private constructor(
    private readonly file: string,
    private events: ReportEvent[],
  ) {}

  static async load(file: string): Promise<Outbox> {
    const data = await readJsonFile(file);
    const events = isRecord(data) && Array.isArray(data.events) ? (data.events as ReportEvent[]) : [];
    return new Outbox(file, events);
  }

  get size(): number {
    return this.events.length;
  }

  async add(event: NewEvent): Promise<void> {
    const errorText = event.errorText === undefined ? undefined : event.errorText.slice(-ERROR_TEXT_MAX);
    this.events.push({
      idempotencyKey: randomUUID(),
      occurredAt: new Date().toISOString(),
      agentVersion: AGENT_VERSION,
      ...event,
      ...(errorText === undefined ? {} : { errorText }),
    });
    await this.save();
  }

  async clear(): Promise<number> {
    const n = this.events.length;
    this.events = [];
    await this.save();
    return n;
  }

  /**
   * Sends everything, oldest first, in batches. A refused batch (4xx other than 401) is re-sent
   * one event at a time so that only the events the server refuses are dropped — with a warning,
   * since retrying them can never succeed. A 401 (TokenRefusedError) propagates.
   */
  async flush(api: ApiClient, warn: (message: string) => void): Promise<FlushResult> {
    const result: FlushResult = { delivered: 0, dropped: 0, pending: null };
    while (this.events.length > 0) {
      const batch = this.events.slice(0, BATCH);
      const outcome = await send(api, batch);
      if (outcome.kind === 'retry') return { ...result, pending: outcome.reason };
      if (outcome.kind === 'ok') {
        result.delivered += batch.length;
        await this.remove(batch);
        continue;
      }
      for (const event of batch) {
        const single = batch.length === 1 ? outcome : await send(api, [event]);
        if (single.kind === 'retry') return { ...result, pending: single.reason };
        if (single.kind === 'refused') {
          // Final: resending can never succeed, and it must not hold up the reports behind it.
          // Kept beside the outbox for whoever looks into the device.
          await appendFile(
            refusedFile(this.file),
            JSON.stringify({ refusedAt: new Date().toISOString(), reason: single.reason, event }) + '\n',
            {
              mode: 0o600,
            },
          );
          warn(
            `the server refused the ${event.type} report for artifact ${event.artifactId} (${single.reason}); it was set aside in ${refusedFile(this.file)}`,
          );
          result.dropped++;
        } else result.delivered++;
        await this.remove([event]);
      }
    }
    return result;
  }

  private async remove(sent: ReportEvent[]): Promise<void> {
    const keys = new Set(sent.map((e) => e.idempotencyKey));
    this.events = this.events.filter((e) => !keys.has(e.idempotencyKey));
    await this.save();
  }

  private async save(): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify({ events: this.events }, null, 2) + '\n', 0o600);
  }
}

/** Where refused reports are kept: next to the outbox file, one JSON line each. */
export const refusedFile = (outbox: string) => outbox.replace(/\.json$/, '') + '.refused.jsonl';

type SendOutcome = { kind: 'ok' } | { kind: 'retry' | 'refused'; reason: string };

async function send(api: ApiClient, events: ReportEvent[]): Promise<SendOutcome> {
  try {
    await api.json('POST', '/api/v1/device/reports', { events });
    return { kind: 'ok' };
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return { kind: isRetryable(e.status) ? 'retry' : 'refused', reason: messageOf(e) };
  }
}
