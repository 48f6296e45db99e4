import { ApiError, messageOf, TokenRefusedError } from './errors';
import { isRecord } from './fsutil';

const JSON_TIMEOUT_MS = 30_000;

/** The device API: JSON calls and the raw download request, with the bearer token where it belongs. */
export class ApiClient {
  constructor(
    readonly server: string,
    private readonly token?: string,
  ) {}

  /** API paths and the server's relative download URLs are both relative to the configured server (which may have a path). */
  url(pathOrUrl: string): string {
    if (/^https?:\/\//i.test(pathOrUrl)) return pathOrUrl;
    return this.server + (pathOrUrl.startsWith('/') ? pathOrUrl : `/${pathOrUrl}`);
  }

  /** The token only ever goes to the server's own origin, never to a host a download URL points at. */
  private auth(url: string): Record<string, string> {
    if (!this.token || new URL(url).origin !== new URL(this.server).origin) return {};
    return { authorization: `Bearer ${this.token}` };
  }

  async json(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const url = this.url(path);
    let res: Response;
    let raw: string;
    try {
      res = await fetch(url, {
        method,
        headers: { ...this.auth(url), accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(JSON_TIMEOUT_MS),
      });
      raw = await res.text();
    } catch (e) {
      throw new ApiError(`could not reach ${this.server} (${method} ${path}): ${messageOf(e)}`, 0);
    }
    let data: unknown;
    try {
      data = raw ? (JSON.parse(raw) as unknown) : undefined;
    } catch {
      data = undefined;
    }
    if (res.ok) return data;
    if (res.status === 401 && this.token) throw new TokenRefusedError();
    throw new ApiError(`${method} ${path} answered ${res.status}: ${errorText(data, raw)}`, res.status);
  }

  /** A GET for file bytes; the caller reads (or cancels) the body. */
  async download(pathOrUrl: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
    const url = this.url(pathOrUrl);
    try {
      return await fetch(url, { headers: { ...this.auth(url), ...headers }, signal });
    } catch (e) {
      throw new ApiError(`could not fetch ${url}: ${messageOf(e)}`, 0);
    }
  }
}

/** The `{ error }` of the contract, or the start of whatever else came back. */
export function errorText(data: unknown, raw: string): string {
  if (isRecord(data) && typeof data.error === 'string') return data.error;
  return raw.trim().slice(0, 200) || '(empty body)';
}

/** 5xx, 408, 429 and "no answer" may work later; other 4xx will not. */
export const isRetryable = (status: number): boolean => status === 0 || status === 408 || status === 429 || status >= 500;
