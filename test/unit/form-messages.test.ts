import { describe, expect, it } from 'vitest';
import { registerDeviceInput } from '@/lib/devices/schema';
import { artifactInput } from '@/lib/dml/schema';

/** Messages people read in the browser name things as they know them, never by internal ids. */
describe('form messages', () => {
  it('an unknown platform is explained with the platforms’ names, not their ids', () => {
    const device = registerDeviceInput.safeParse({ hostname: 'laptop-1', platform: 'amiga-68k' });
    const artifact = artifactInput.safeParse({ platform: 'amiga-68k', fileName: 'a.msi' });
    for (const r of [device, artifact]) {
      expect(r.success).toBe(false);
      const message = r.error!.issues.find((i) => i.path[0] === 'platform')!.message;
      expect(message).toContain('Windows x64, Windows Arm64, macOS Apple silicon, macOS Intel, Linux x64 or Linux Arm64');
      expect(message).not.toMatch(/windows-x64|macos-arm64/);
    }
  });
});

describe('deployment form times', () => {
  it('reads a time without an offset as UTC, as the form labels it, whatever the server’s time zone', async () => {
    const { deploymentInput } = await import('@/lib/deployments/schema');
    // A server east or west of UTC: Node applies a changed TZ to every Date from then on.
    const tz = process.env.TZ;
    process.env.TZ = 'America/New_York';
    const base = {
      name: 'x',
      releaseId: '00000000-0000-4000-8000-000000000001',
      targetId: '00000000-0000-4000-8000-000000000002',
      environment: 'test',
      intent: 'required',
    };
    const parsed = deploymentInput.parse({ ...base, availableFrom: '2026-12-01T10:00', deadline: '2026-12-02T08:30', cutoverAt: '' });
    expect(parsed.availableFrom.toISOString()).toBe('2026-12-01T10:00:00.000Z');
    expect(parsed.deadline?.toISOString()).toBe('2026-12-02T08:30:00.000Z');
    const withOffset = deploymentInput.parse({ ...base, availableFrom: '2026-12-01T10:00:00+02:00' });
    expect(withOffset.availableFrom.toISOString()).toBe('2026-12-01T08:00:00.000Z');
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });
});
