import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What `hookline login` remembers. */
export type StoredConfig = { url: string; apiKey: string };

const fileName = 'config.json';

export const configPath = (configDir: string) => path.join(configDir, fileName);

export async function readConfigFile(configDir: string): Promise<Partial<StoredConfig>> {
  try {
    return JSON.parse(await readFile(configPath(configDir), 'utf8')) as Partial<StoredConfig>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

/**
 * The file holds an API key: only its owner may read it (0600, in a 0700 directory). The mode is set
 * again after writing because an existing file keeps the mode it had.
 */
export async function writeConfigFile(configDir: string, config: StoredConfig): Promise<string> {
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  const file = configPath(configDir);
  await writeFile(file, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

export async function removeConfigFile(configDir: string): Promise<void> {
  await rm(configPath(configDir), { force: true });
}
