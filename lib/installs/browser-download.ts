import type { DownloadResponse } from '@/lib/dml/download';
import { recordBrowserDownload } from './record';

/** Whether a 200/206 answer carries the file's last byte (a full GET, or a resumed one that runs to the end). */
function reachesEnd(r: DownloadResponse): boolean {
  if (r.status === 200) return true;
  const m = r.status === 206 ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(r.headers['Content-Range'] ?? '') : null;
  return m !== null && Number(m[2]) === Number(m[3]) - 1;
}

/**
 * Passes the verified stream on unchanged, chunk by chunk (nothing is buffered), and calls
 * `onEnd` with the byte count once the consumer has taken the last chunk. A client that goes away
 * cancels the source instead, and nothing is called.
 */
function untilEnd(source: ReadableStream<Uint8Array>, onEnd: (bytes: number) => Promise<void>): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let sent = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (!done) {
          sent += value.byteLength;
          controller.enqueue(value);
          return;
        }
        // The bytes are already with the client: a failure to record must not turn into a failed download.
        await onEnd(sent).catch((e) => console.error('Recording a completed download failed', e));
        controller.close();
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/**
 * A signed-in person's GET naming one of their devices, that runs to the end of the file, goes
 * into the install ledger: download_started before the first byte leaves (if that cannot be
 * recorded, nothing is sent), download_completed after the last. Linked to the request of the
 * entitlement authorizeDownload allowed it by, never to one the URL names.
 */
export async function recordedBrowserBody(
  who: { userId: string; deviceId: string | undefined },
  artifactId: string,
  r: DownloadResponse,
): Promise<ReadableStream<Uint8Array> | null> {
  if (!r.body || !who.deviceId || !reachesEnd(r)) return r.body;
  const base = {
    userId: who.userId,
    deviceId: who.deviceId,
    artifactId,
    requestId: r.grant.entitlement?.requestId ?? null,
    entitlementId: r.grant.entitlement?.id ?? null,
  };
  try {
    await recordBrowserDownload({ ...base, phase: 'download_started', bytes: Number(r.headers['Content-Length'] ?? 0) });
  } catch (e) {
    await r.body.cancel().catch(() => {});
    throw e;
  }
  return untilEnd(r.body, (bytes) => recordBrowserDownload({ ...base, phase: 'download_completed', bytes }));
}
