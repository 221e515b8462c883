import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Log } from '@hookline/log';

/**
 * Shows a generated admin key once, and never in a log line (logs are shipped and kept): printed
 * straight to a terminal when someone is watching; otherwise written to `<dataDir>/admin-key`, readable
 * by this user only, with a log line that says where.
 */
export async function announceAdminKey(
  key: string,
  { dataDir, log, interactive = process.stdout.isTTY === true }: { dataDir: string; log: Log; interactive?: boolean },
): Promise<void> {
  if (interactive) {
    process.stdout.write(`\nadmin API key, shown once (store it now): ${key}\n\n`);
    return;
  }
  const file = path.resolve(dataDir, 'admin-key');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  // The mode only applies to a new file; an older one keeps its own.
  await chmod(file, 0o600);
  log.warn(`generated an admin API key and wrote it to ${file} (mode 0600): store it elsewhere and delete the file`, {
    file,
  });
}
