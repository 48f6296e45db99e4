import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { AgentFailure, isErrno } from './errors';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return isErrno(e, 'EPERM'); // Exists, but belongs to someone else.
  }
  if (process.platform !== 'linux') return true;
  // A killed run can linger as a zombie until it is reaped; it holds nothing any more.
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch (e) {
    return !isErrno(e, 'ENOENT');
  }
}

/**
 * One sync per state directory: two runs would race on the outbox and the same .part file. The
 * lock holds the owner's pid, so the lock of a killed run (power loss, kill -9) is taken over.
 */
export function acquireLock(file: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      process.on('exit', () => {
        try {
          unlinkSync(file);
        } catch {
          // Already gone; nothing to release.
        }
      });
      return;
    } catch (e) {
      if (!isErrno(e, 'EEXIST')) throw e;
    }
    let pid: number;
    try {
      pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    } catch (e) {
      if (isErrno(e, 'ENOENT')) continue; // Released meanwhile.
      throw e;
    }
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new AgentFailure(`another agent run (pid ${pid}) is using this state directory; try again when it has finished`);
    }
    // Stale (its owner is gone, or died before writing its pid): take it over.
    try {
      unlinkSync(file);
    } catch (e) {
      if (!isErrno(e, 'ENOENT')) throw e;
    }
  }
  throw new AgentFailure(`could not take the lock ${file}`);
}
