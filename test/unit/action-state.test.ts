import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fromZodErrorByPath } from '@/app/ui/action-state';
import { deploymentInput } from '@/lib/deployments/schema';
import { ringTemplateInput } from '@/lib/rings/delivery';

/*
 * The deployment form and the ring-template form share one mapper for their repeating phase rows:
 * an error in the second phase must be shown beside that phase's own input, not only at the top.
 */
describe('fromZodErrorByPath', () => {
  it('keys errors inside a list by their full path and keeps the top-level ones', () => {
    const schema = z.object({
      name: z.string().min(1, 'Give a name.'),
      phases: z.array(z.object({ percent: z.number().max(100, 'At most 100.') })),
    });
    const parsed = schema.safeParse({ name: '', phases: [{ percent: 10 }, { percent: 120 }] });
    const state = fromZodErrorByPath(parsed.error!);
    expect(state.fieldErrors).toMatchObject({ name: ['Give a name.'], 'phases.1.percent': ['At most 100.'] });
    expect(state.fieldErrors).not.toHaveProperty('phases.0.percent');
    expect(state.error).toBe('Please correct the fields marked below.');
  });

  it('serves both phase forms: a bad phase of either names its own field', () => {
    for (const schema of [deploymentInput, ringTemplateInput] as z.ZodType[]) {
      const parsed = schema.safeParse({ phases: [{ name: '', percent: 500 }] });
      expect(parsed.success).toBe(false);
      const keys = Object.keys(fromZodErrorByPath(parsed.error!).fieldErrors ?? {});
      expect(keys.some((k) => k.startsWith('phases.0.'))).toBe(true);
    }
  });
});
