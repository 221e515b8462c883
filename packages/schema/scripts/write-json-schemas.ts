// Regenerates packages/schema/json/ from the event catalog. Run after adding a type or a version:
//   npx tsx packages/schema/scripts/write-json-schemas.ts
// The directory is replaced as a whole, so a removed file cannot linger.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateJsonSchemaFiles } from '../src/json-schema-files';

const jsonDirectory = fileURLToPath(new URL('../json/', import.meta.url));
const files = generateJsonSchemaFiles();

rmSync(jsonDirectory, { recursive: true, force: true });
for (const file of files) {
  const target = join(jsonDirectory, file.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, file.contents);
}
console.log(`wrote ${files.length} files to ${jsonDirectory}`);
