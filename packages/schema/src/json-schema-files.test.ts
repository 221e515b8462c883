import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventCatalog } from './catalog';
import { GENERATED_COMMENT, generateJsonSchemaFiles } from './json-schema-files';

const jsonDirectory = fileURLToPath(new URL('../json/', import.meta.url));
const REGENERATE =
  'packages/schema/json is stale: run `npx tsx packages/schema/scripts/write-json-schemas.ts` and commit the result';

function committedFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(jsonDirectory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const absolute = join(entry.parentPath, entry.name);
    files[relative(jsonDirectory, absolute).split(sep).join('/')] = readFileSync(absolute, 'utf8');
  }
  return files;
}

describe('generated JSON Schema files', () => {
  it('match a fresh generation (no edits, no missing or leftover files)', () => {
    const fresh = Object.fromEntries(generateJsonSchemaFiles().map((file) => [file.path, file.contents]));
    const committed = committedFiles();
    expect(Object.keys(committed).sort(), REGENERATE).toEqual(Object.keys(fresh).sort());
    for (const [path, contents] of Object.entries(fresh))
      expect(committed[path], `${path}: ${REGENERATE}`).toBe(contents);
  });

  it('hold one marked schema per (type, version), plus the envelope and an index', () => {
    const files = generateJsonSchemaFiles();
    const expectedPaths = Object.entries(eventCatalog).flatMap(([type, versions]) =>
      Object.keys(versions).map((version) => `${type}/${version}.json`),
    );
    expect(files.map((file) => file.path).sort()).toEqual([...expectedPaths, 'envelope.json', 'index.json'].sort());
    for (const file of files) expect(JSON.parse(file.contents).$comment).toBe(GENERATED_COMMENT);

    const paymentV1 = JSON.parse(files.find((file) => file.path === 'payment.succeeded/1.0.json')!.contents);
    expect(paymentV1).toMatchObject({ title: 'payment.succeeded 1.0', deprecated: true, type: 'object' });
  });

  it('give every array in an event a maximum, so no payload can make the validator report without bound', () => {
    const unbounded: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (!node || typeof node !== 'object') return;
      const schema = node as Record<string, unknown>;
      if (schema.type === 'array' && typeof schema.maxItems !== 'number') unbounded.push(path);
      for (const [key, child] of Object.entries(schema)) walk(child, `${path}/${key}`);
    };
    for (const file of generateJsonSchemaFiles()) walk(JSON.parse(file.contents), file.path);
    expect(unbounded).toEqual([]);
  });
});
