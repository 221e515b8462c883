// `npm run gen`: regenerates every committed generated file. `--check` writes nothing and fails
// when a committed file differs from what the code generates now (run by the test command).
import { readFile, writeFile } from 'node:fs/promises';
import { buildOpenApiDocument } from '@hookline/api/openapi';
import { generatedFiles } from '@hookline/client/generate';

const check = process.argv.includes('--check');
const stale: string[] = [];
for (const { path, content } of await generatedFiles(buildOpenApiDocument())) {
  const current = await readFile(path, 'utf8').catch(() => null);
  if (current === content) continue;
  if (check) stale.push(path);
  else await writeFile(path, content);
}
if (stale.length > 0) {
  console.error(`Generated files are out of date: ${stale.join(', ')}. Run \`npm run gen\` and commit the result.`);
  process.exit(1);
}
console.log(check ? 'generated files are up to date' : 'generated files written');
