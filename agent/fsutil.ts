import { randomBytes } from 'node:crypto';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { ConfigError, isErrno } from './errors';

/** Temp file, fsync, rename: a crash or a kill leaves the old or the new file, never half of one. */
export async function writeFileAtomic(file: string, data: string, mode = 0o644): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/** The parsed file, or undefined when it does not exist. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return undefined;
    throw e;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ConfigError(`${file} is not valid JSON; fix or delete it`);
  }
}

/** Size of a regular file, or -1 when there is none. */
export async function fileSize(file: string): Promise<number> {
  try {
    const s = await stat(file);
    return s.isFile() ? s.size : -1;
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return -1;
    throw e;
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
