import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of this process (each instance is scraped on its own; Prometheus adds them
 * up). One registry per process, kept on globalThis because the instrumentation layer and the
 * route bundles each load this module, and prom-client is loaded unbundled (next.config.ts).
 */
interface PortalMetrics {
  registry: Registry;
  httpRequests: Counter<'route' | 'method' | 'status'>;
  httpDuration: Histogram<'route' | 'status'>;
  downloadBytes: Counter;
  integrityFailures: Counter;
  checkIns: Counter<'outcome'>;
  gauges: Map<string, Gauge<string>>;
}

const holder = globalThis as unknown as { [key: symbol]: PortalMetrics | undefined };
const KEY = Symbol.for('portal.metrics');

function create(): PortalMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'portal_http_requests_total',
      help: 'HTTP requests answered, by route class, method and status.',
      labelNames: ['route', 'method', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'portal_http_request_duration_seconds',
      help: 'Time from request to the last byte of the answer, by route class and status.',
      labelNames: ['route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
      registers,
    }),
    downloadBytes: new Counter({ name: 'portal_download_bytes_total', help: 'Artifact bytes sent to clients.', registers }),
    integrityFailures: new Counter({
      name: 'portal_download_integrity_failures_total',
      help: 'Downloads stopped because a stored block did not match its recorded hash.',
      registers,
    }),
    checkIns: new Counter({
      name: 'portal_device_check_ins_total',
      help: 'Agent check-ins, by outcome (ok or error).',
      labelNames: ['outcome'],
      registers,
    }),
    gauges: new Map(),
  };
}

export const metrics = (): PortalMetrics => (holder[KEY] ??= create());

/**
 * The hook for values other code owns (the job queue's depth and lag, for instance): sets a gauge,
 * created on first use. Names must be valid Prometheus names; use the `portal_` prefix.
 */
export function setGauge(name: string, help: string, value: number, labels: Record<string, string> = {}): void {
  const m = metrics();
  let gauge = m.gauges.get(name);
  if (!gauge) {
    gauge = new Gauge({ name, help, labelNames: Object.keys(labels), registers: [m.registry] });
    m.gauges.set(name, gauge);
  }
  gauge.set(labels, value);
}

/** The text exposition format Prometheus scrapes, and its content type. */
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  const { registry } = metrics();
  return { body: await registry.metrics(), contentType: registry.contentType };
}

/**
 * The class of a request path, for metric labels: a fixed, small set (an id in a label would
 * create a time series per artifact).
 */
export function routeClass(method: string, path: string, isAction: boolean): string {
  if (path.startsWith('/api/health/')) return 'health';
  if (path === '/api/metrics') return 'metrics';
  if (/^\/api\/artifacts\/[^/]+\/download$/.test(path)) return 'download';
  if (/^\/api\/v1\/devices?\//.test(path)) return 'device-api';
  if (path.startsWith('/api/v1/')) return 'pipeline-api';
  if (path.startsWith('/api/auth/')) return 'auth';
  if (path.startsWith('/api/')) return 'api';
  if (path.startsWith('/_next/')) return 'static';
  if (isAction && method === 'POST') return 'action';
  return 'page';
}
