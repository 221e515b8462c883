import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateEncryptionKeyText, parseEncryptionKey, type EncryptionKey } from './encryption-key';

type LoadEncryptionKeyOptions = {
  /** HOOKLINE_ENCRYPTION_KEY as given, if it was. */
  configured: string | undefined;
  /** NODE_ENV=production: no key means no start. */
  production: boolean;
  /** Where the development key is kept (HOOKLINE_DATA_DIR, `.data/` by default). */
  dataDir: string;
  log: (message: string) => void;
};

export const developmentKeyFile = 'encryption-key';

/**
 * The configured key; in production nothing else. In development a key is generated once into the
 * data directory (0600) and reused, with a warning, so `npm start` works without setup and signing keys
 * survive restarts. The API and the worker, when run apart, find the same file.
 */
export async function loadEncryptionKey({
  configured,
  production,
  dataDir,
  log,
}: LoadEncryptionKeyOptions): Promise<EncryptionKey> {
  if (configured) return parseEncryptionKey(configured);
  if (production) {
    throw new Error(
      'HOOKLINE_ENCRYPTION_KEY is not set and NODE_ENV is production: Hookline will not store endpoint secrets ' +
        'without a key of yours. Generate one with `openssl rand -base64 32` and give the same value to the API ' +
        'and the delivery worker; keep it apart from database backups.',
    );
  }
  const file = path.resolve(dataDir, developmentKeyFile);
  const { text, created } = await readOrCreate(file);
  log(
    `HOOKLINE_ENCRYPTION_KEY is not set: endpoint secrets are encrypted with a development key ` +
      `${created ? 'generated now into' : 'read from'} ${file}. Anyone who can read that file can read them; ` +
      'set HOOKLINE_ENCRYPTION_KEY and NODE_ENV=production for a real deployment.',
  );
  try {
    return parseEncryptionKey(text);
  } catch (error) {
    throw new Error(
      `The development key in ${file} is unreadable (${(error as Error).message}). Delete the file to generate a new one; secrets encrypted with the old one are then lost.`,
      { cause: error },
    );
  }
}

async function readOrCreate(file: string): Promise<{ text: string; created: boolean }> {
  try {
    return { text: await readFile(file, 'utf8'), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const text = `${generateEncryptionKeyText()}\n`;
  // Written in full under a private name, then linked into place: link() fails if the file exists,
  // so when the API and the worker start together exactly one key wins, and nobody reads a half-written file.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(draft, text, { mode: 0o600 });
  try {
    await link(draft, file);
    return { text, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { text: await readFile(file, 'utf8'), created: false };
  } finally {
    await rm(draft, { force: true });
  }
}

/** The same, from an app's parsed settings: the API, the worker and `npm start` all read these three. */
export function loadEncryptionKeyFromEnv(
  env: { HOOKLINE_ENCRYPTION_KEY?: string; NODE_ENV: string; HOOKLINE_DATA_DIR: string },
  log: (message: string) => void,
): Promise<EncryptionKey> {
  return loadEncryptionKey({
    configured: env.HOOKLINE_ENCRYPTION_KEY,
    production: env.NODE_ENV === 'production',
    dataDir: env.HOOKLINE_DATA_DIR,
    log,
  });
}
