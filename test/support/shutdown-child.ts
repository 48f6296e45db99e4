// A plain Node HTTP server with the portal's request hook and graceful shutdown (what `npm start`
// installs through instrumentation.ts), for test/unit/shutdown.test.ts. Prints {"port": N} once
// it listens. GET /endless writes a byte every 50 ms for ever; GET /short answers after 300 ms.
import http from 'node:http';
import { installClientAddressGuard } from '@/lib/auth/client-address';
import { installGracefulShutdown } from '@/lib/ops/shutdown';

installClientAddressGuard();
installGracefulShutdown();
const server = http.createServer((req, res) => {
  if (req.url === '/short') {
    setTimeout(() => res.end('done'), 300);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
  const timer = setInterval(() => res.write('x'), 50);
  res.on('close', () => clearInterval(timer));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`));
