import { z } from 'zod';

/*
 * PostgreSQL text cannot hold NUL, and UTF-8 cannot encode an unpaired UTF-16 surrogate: either
 * makes the database (or the driver) throw. Input text is therefore refused with the field named
 * (names, versions, notes) or cleaned where losing the report would be worse (an installer's
 * error output, which on Windows is often UTF-16 read as bytes).
 */
export const isStorableText = (s: string) => !s.includes('\u0000') && s.isWellFormed();

/** The text with NUL removed and unpaired surrogates replaced by U+FFFD. */
export const cleanText = (s: string) => s.replaceAll('\u0000', '').toWellFormed();

export const UNSTORABLE_TEXT = 'This text contains a NUL character or an unpaired surrogate, which cannot be stored.';

/** `z.string()` that refuses text the database cannot store, naming the field like any other rule. */
export const text = (params?: Parameters<typeof z.string>[0]) => z.string(params).refine(isStorableText, UNSTORABLE_TEXT);
