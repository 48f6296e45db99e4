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
