import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';

/* Settings are validated once at start-up (lib/env.ts): a bad one stops it, naming the variable. */
describe('environment settings', () => {
  it('SIGSTORE_TRUSTED_ROOT must name a readable file; empty means unset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'env-test-'));
    const file = join(dir, 'trusted_root.json');
    writeFileSync(file, '{}');
    expect(parseEnv({ SIGSTORE_TRUSTED_ROOT: file }).SIGSTORE_TRUSTED_ROOT).toBe(file);
    expect(parseEnv({ SIGSTORE_TRUSTED_ROOT: '' }).SIGSTORE_TRUSTED_ROOT).toBeUndefined();
    expect(() => parseEnv({ SIGSTORE_TRUSTED_ROOT: join(dir, 'missing.json') })).toThrow(/SIGSTORE_TRUSTED_ROOT: .*readable file/);
    expect(() => parseEnv({ SIGSTORE_TRUSTED_ROOT: dir })).toThrow(/SIGSTORE_TRUSTED_ROOT/);
  });
});
