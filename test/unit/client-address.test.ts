import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressOf, clientAddress, installClientAddressGuard } from '@/lib/auth/client-address';

describe('client address for rate limits', () => {
  it('believes only the socket without a trusted proxy, and the proxy-appended entry behind N of them', () => {
    expect(addressOf('6.6.6.6', '127.0.0.1', 0)).toBe('127.0.0.1');
    expect(addressOf(undefined, '10.0.0.5', 0)).toBe('10.0.0.5');
    // nginx appends the address it saw: what the client wrote stays to the left of it.
    expect(addressOf('6.6.6.6, 198.51.100.7', '10.0.0.2', 1)).toBe('198.51.100.7');
    expect(addressOf('6.6.6.6, 198.51.100.7, 10.0.0.9', '10.0.0.2', 2)).toBe('198.51.100.7');
    expect(addressOf(undefined, '10.0.0.2', 1)).toBe('10.0.0.2');
  });

  describe('on a real HTTP server', () => {
    let server: http.Server;
    let seen: string[] = [];
    beforeAll(async () => {
      installClientAddressGuard();
      server = http.createServer((req, res) => {
        seen.push(clientAddress(new Headers(req.headers as Record<string, string>)));
        res.end('ok');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('replaces a spoofed X-Forwarded-For and X-Real-IP with the socket address', async () => {
      seen = [];
      const { port } = server.address() as AddressInfo;
      for (const spoof of ['1.2.3.4', '5.6.7.8, 9.9.9.9']) {
        const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { 'x-forwarded-for': spoof, 'x-real-ip': '4.4.4.4' } });
        await res.text();
      }
      expect(seen).toEqual(['127.0.0.1', '127.0.0.1']);
    });
  });
});
