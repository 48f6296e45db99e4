import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { errorText, type ApiClient } from './api';
import type { Pull } from './api-types';
import { AgentFailure, ApiError, messageOf, TokenRefusedError } from './errors';
import { fileSize } from './fsutil';
import { Progress } from './progress';

const HEADERS_TIMEOUT_MS = 30_000;
/** A stalled connection is given up after this long without a byte; the .part stays for the next run. */
const IDLE_TIMEOUT_MS = 60_000;

export type DownloadOutcome = { fetched: number; resumedFrom: number };

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `bytes 100-199/200` → its start and total (null when the total is `*`). */
function parseContentRange(header: string | null): { start: number; total: number | null } | null {
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header?.trim() ?? '');
  if (!m) return null;
  return { start: Number(m[1]), total: m[3] === '*' ? null : Number(m[3]) };
}

/**
 * Brings `part` up to the artifact's full size, resuming what an earlier (killed or failed) run
 * left with `Range` + `If-Range`. Completeness is judged by `sizeBytes` because the server may
 * not send Content-Length; a body that ends early or errors is a failure, never a success. The
 * caller verifies the SHA-256 afterwards.
 */
/** `limitRate`: bytes per second at most, to spare a slow or shared link (like curl's --limit-rate). */
export type DownloadOptions = { limitRate?: number; mayRestart?: boolean };

export async function downloadToPart(api: ApiClient, pull: Pull, part: string, opts: DownloadOptions = {}): Promise<DownloadOutcome> {
  const mayRestart = opts.mayRestart ?? true;
  const { sizeBytes: size, sha256, downloadUrl } = pull.artifact;
  let offset = Math.max(0, await fileSize(part));
  if (offset > size) {
    await rm(part, { force: true });
    offset = 0;
  }
  // Complete already (killed between the last byte and the rename): the hash check decides.
  if (offset === size && size > 0) return { fetched: 0, resumedFrom: offset };

  // identity: a transparently decompressed body would not match the byte offsets we ask for.
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (offset > 0) {
    headers.range = `bytes=${offset}-`;
    headers['if-range'] = `"${sha256}"`;
  }
  const ctl = new AbortController();
  let stalled = false;
  let timer = setTimeout(() => ctl.abort(), HEADERS_TIMEOUT_MS);
  const keepAlive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      ctl.abort();
    }, IDLE_TIMEOUT_MS);
  };

  try {
    const res = await api.download(downloadUrl, headers, ctl.signal);
    keepAlive();
    if (res.status === 416 && offset > 0 && mayRestart) {
      // The part does not fit the file the server has: start over, once.
      await res.body?.cancel();
      await rm(part, { force: true });
      return await downloadToPart(api, pull, part, { ...opts, mayRestart: false });
    }
    if (res.status === 401) throw new TokenRefusedError();
    if (res.status !== 200 && res.status !== 206) {
      throw new ApiError(`download refused with ${res.status}: ${errorText(undefined, await res.text().catch(() => ''))}`, res.status);
    }
    if (res.status === 206) {
      const range = parseContentRange(res.headers.get('content-range'));
      if (offset === 0 || !range || range.start !== offset || (range.total !== null && range.total !== size)) {
        await res.body?.cancel();
        throw new AgentFailure(
          `the server answered an unexpected range (${res.headers.get('content-range') ?? 'no Content-Range'}) for bytes=${offset}-`,
        );
      }
    } else {
      // 200 to a Range request: the file changed (If-Range) or ranges are unsupported; start over.
      offset = 0;
    }
    if (!res.body) throw new AgentFailure('the download answered without a body');
    return { fetched: await writeBody(res.body, part, offset, size, pull, keepAlive, opts.limitRate), resumedFrom: offset };
  } catch (e) {
    if (stalled) throw new AgentFailure(`download stalled (no data for ${IDLE_TIMEOUT_MS / 1000} s); it resumes at the next sync`);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

async function writeBody(
  body: ReadableStream<Uint8Array>,
  part: string,
  offset: number,
  size: number,
  pull: Pull,
  onData: () => void,
  limitRate?: number,
): Promise<number> {
  const started = Date.now();
  const progress = new Progress(`${pull.product.slug} ${pull.release.version}`, size, offset);
  const fh = await open(part, offset > 0 ? 'a' : 'w', 0o600);
  const reader = body.getReader();
  let fetched = 0;
  let ok = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      // Never let a misbehaving server fill the disk past the size it announced.
      if (offset + fetched + value.byteLength > size) throw new AgentFailure(`the server sent more than the artifact's ${size} bytes`);
      let written = 0;
      while (written < value.byteLength) written += (await fh.write(value, written)).bytesWritten;
      fetched += value.byteLength;
      onData();
      progress.update(offset + fetched);
      if (limitRate) {
        // Ahead of the allowed pace: wait until the bytes so far are due (backpressure on the socket).
        const due = (fetched / limitRate) * 1000 - (Date.now() - started);
        if (due > 0) await new Promise((r) => setTimeout(r, due));
      }
    }
    if (offset + fetched !== size) {
      throw new AgentFailure(`the transfer ended early: ${offset + fetched} of ${size} bytes; it resumes at the next sync`);
    }
    ok = true;
    return fetched;
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    if (e instanceof AgentFailure) throw e;
    // A body the server aborted (e.g. its own integrity check failed) lands here, not as an early end.
    throw new AgentFailure(
      `the transfer broke off after ${offset + fetched} of ${size} bytes (${messageOf(e)}); it resumes at the next sync`,
    );
  } finally {
    progress.finish(offset + fetched, ok);
    await fh.close();
  }
}
