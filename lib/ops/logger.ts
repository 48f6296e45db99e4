import pino, { type Logger } from 'pino';
import { env } from '@/lib/env';

const holder = globalThis as unknown as { [key: symbol]: Logger | undefined };
const KEY = Symbol.for('portal.logger');

/**
 * The process's one JSON logger (stdout, one object per line, level from LOG_LEVEL). Kept on
 * globalThis: the instrumentation layer, the App Router and the Pages Router are separate bundles,
 * and all of them must write through the same stream.
 */
export function logger(): Logger {
  holder[KEY] ??= pino({
    level: env.LOG_LEVEL,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // A header or URL with a secret in it must never reach the log.
    redact: { paths: ['authorization', 'cookie', '*.authorization', '*.cookie'], censor: '[redacted]' },
  });
  return holder[KEY];
}
