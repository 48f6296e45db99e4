import http from 'node:http';

export interface Transfer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** False when the connection was cut before the announced length arrived. */
  complete: boolean;
}

export interface SlowDownload {
  /** Resolves once the status line and headers are in. */
  headers: Promise<{ status: number; headers: http.IncomingHttpHeaders }>;
  done: Promise<Transfer>;
  received(): number;
}

/**
 * A GET read at a limited pace (a slow client on a long download): pauses for `pauseMs` after
 * every `bytesPerPause` bytes, so the transfer is still running when an instance is stopped.
 */
export function slowDownload(url: string, headers: Record<string, string>, bytesPerPause = 256 * 1024, pauseMs = 100): SlowDownload {
  const chunks: Buffer[] = [];
  let received = 0;
  let sinceLastPause = 0;
  let resolveHeaders!: (v: { status: number; headers: http.IncomingHttpHeaders }) => void;
  const headersPromise = new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((r) => (resolveHeaders = r));
  const done = new Promise<Transfer>((resolve, reject) => {
    // A fresh connection each time (no agent): the test decides which server it reaches.
    const req = http.get(url, { headers, agent: false }, (res) => {
      resolveHeaders({ status: res.statusCode ?? 0, headers: res.headers });
      const finish = () => {
        const body = Buffer.concat(chunks);
        const expected = Number(res.headers['content-length'] ?? -1);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, complete: res.complete && body.length === expected });
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        sinceLastPause += chunk.length;
        if (sinceLastPause >= bytesPerPause) {
          sinceLastPause = 0;
          res.pause();
          setTimeout(() => res.resume(), pauseMs);
        }
      });
      res.on('end', finish);
      res.on('error', finish);
      res.on('aborted', finish);
      res.on('close', finish);
    });
    req.on('error', reject);
  });
  return { headers: headersPromise, done, received: () => received };
}

/** Whether a TCP connection to the port is refused (nothing listens any more). */
export function connectionRefused(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/api/health/live`, { agent: false }, (res) => {
      res.resume();
      resolve(false);
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}
