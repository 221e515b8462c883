import { readFileSync } from 'node:fs';

const kbPerMb = 1024;

/**
 * A field of `/proc/<pid>/status` in MB: `VmHWM` is the process's peak resident set since it
 * started (the kernel's high-water mark, so no sampling can miss a spike), `VmRSS` the current one.
 * Null when the process is gone or this is not Linux.
 */
export function processMemoryMb(pid: number, field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) / kbPerMb : null;
  } catch {
    return null;
  }
}
