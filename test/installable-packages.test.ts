import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { packPackages, type PackedPackage } from '../scripts/packages/pack';
import { startHookline, testAdminKey, type TestHookline } from './support/hookline';

/**
 * The packages as another repository gets them: `npm run pack`'s tarballs installed with plain npm into
 * a project in the system's temporary directory (outside this repository, so no workspace package can
 * be found by walking up), type-checked there by a consumer's tsc, and run against a real Hookline.
 */
const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
let packed: PackedPackage[];
let project: string;
let compilerOutput: string;
let hookline: TestHookline | undefined;
const processes: ChildProcess[] = [];

beforeAll(async () => {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'hookline-tarballs-'));
  packed = await packPackages({ root, outDir });
  project = await mkdtemp(path.join(os.tmpdir(), 'hookline-consumer-'));
  await cp(path.join(root, 'test/fixtures/consumer'), project, { recursive: true });
  await writeFile(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  // Plain npm, from the cache when it can (the repository's own install filled it): the tarballs, and the
  // consumer's compiler and Node types at the versions this repository uses. Without a TypeScript of its
  // own the consumer would get tRPC's peer dependency on TypeScript installed for it, the latest major.
  await run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      ...packed.map((p) => p.tarball),
      `typescript@${dependencyVersion('typescript')}`,
      `@types/node@${dependencyVersion('@types/node')}`,
    ],
    { cwd: project },
  );
  // One compile of the three consumer files; the two broken ones must fail, the correct one is emitted and run.
  compilerOutput = await run(
    process.execPath,
    [path.join(project, 'node_modules/typescript/bin/tsc'), '-p', project, '--pretty', 'false'],
    { cwd: project },
  ).then(
    ({ stdout }) => stdout,
    (error: { stdout: string }) => error.stdout,
  );
  hookline = await startHookline();
  // About a minute of CPU, most of it the TypeScript compiler (the consumer types, the declaration bundles, the
  // consumer's tsc); generous, so a machine busy with other test files slows it down without failing it.
}, 600_000);

afterAll(async () => {
  for (const child of processes) child.kill('SIGKILL');
  await hookline?.stop();
  if (project) await rm(project, { recursive: true, force: true });
  if (packed?.[0]) await rm(path.dirname(packed[0].tarball), { recursive: true, force: true });
});

/** The version this repository's own install resolved, so the consumer's npm finds it in the cache. */
function dependencyVersion(name: string): string {
  return (
    JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }
  ).version;
}

const errorsOf = (file: string) => compilerOutput.split('\n').filter((line) => line.startsWith(file));

it('ships built JavaScript and declarations only: no sources, tests or source maps', () => {
  expect(packed.map((p) => p.name)).toEqual(['@hookline/verify', '@hookline/client', '@hookline/outbox']);
  // One version for all three.
  expect(new Set(packed.map((p) => p.version)).size).toBe(1);
  for (const { name, files } of packed) {
    const unexpected = files.filter(
      (file) => !/^(package\.json|README\.md|LICENSE|dist\/.+\.(js|cjs|d\.ts|d\.cts))$/.test(file),
    );
    expect(unexpected, `${name} ships only its build, README and licence`).toEqual([]);
    expect(files.filter((file) => /\.test\.|\.map$|(^|\/)src\//.test(file))).toEqual([]);
    expect(files).toContain('dist/index.d.ts');
  }
  const client = packed.find((p) => p.name === '@hookline/client')!;
  // The server is not a dependency: its types are in the client's declarations.
  expect(Object.keys(client.dependencies).sort()).toEqual(['@trpc/client', '@trpc/server', 'openapi-fetch']);
  expect(packed.find((p) => p.name === '@hookline/verify')!.dependencies).toEqual({});
});

it('type-checks a correct order.created 1.0 publish in the consumer, AppRouter and PublishableEvent included', () => {
  expect(errorsOf('publish-order.ts')).toEqual([]);
  // Nothing in the installed declarations fails the consumer's compiler either (skipLibCheck is off).
  expect(compilerOutput.split('\n').filter((line) => line.includes('node_modules'))).toEqual([]);
});

it('refuses a wrong field type, pointing at the field', () => {
  const errors = errorsOf('wrong-field-type.ts');
  expect(errors.length).toBeGreaterThan(0);
  // Line 11 is `amount: '99.99',`: the compiler's error is at the field, saying what it expected.
  expect(errors.join('\n')).toMatch(
    /wrong-field-type\.ts\(11,5\): error TS2322: Type 'string' is not assignable to type 'number'/,
  );
});

it('refuses an unknown event type, naming it', () => {
  const errors = errorsOf('unknown-event-type.ts').join('\n');
  expect(errors).toMatch(/error TS2322: Type '"order\.exploded"' is not assignable to type/);
  expect(errors).toContain('"order.created"');
});

it('publishes from the consumer to a real Hookline, and the installed verifier accepts the delivery', async () => {
  const receiver = startNode(path.join(project, 'receiver.mjs'), {});
  const { port } = (await receiver.next()) as { port: number };
  const app = await hookline!.client.applications.create.mutate({ name: 'consumer' });
  const endpoint = await hookline!.client.endpoints.create.mutate({
    appId: app.id,
    url: `http://127.0.0.1:${port}/webhook`,
  });
  receiver.child.stdin!.write(`${endpoint.secret}\n`);

  const consumer = startNode(path.join(project, 'dist/publish-order.js'), {
    HOOKLINE_URL: hookline!.url,
    HOOKLINE_API_KEY: testAdminKey,
    APP_ID: app.id,
  });
  const published = (await consumer.next()) as { eventId: string; deliveries: number };
  expect(published).toMatchObject({ eventId: expect.stringMatching(/^evt_/), deliveries: 1 });

  const received = (await receiver.next()) as { verified: { id: string; event: string; data: object }; agree: boolean };
  expect(received).toMatchObject({
    verified: { id: published.eventId, event: 'order.created', version: '1.0', data: { orderId: 'ord_from_consumer' } },
    agree: true,
  });
});

it('runs the outbox relay command from the install, which names the settings it lacks', async () => {
  const failure = await run(path.join(project, 'node_modules/.bin/hookline-outbox-relay'), [], {
    cwd: project,
    env: { PATH: process.env.PATH },
  }).then(
    () => undefined,
    (error: { code: number; stderr: string }) => error,
  );
  // Exit 2 with the message from its settings parser: every import of the bundle resolved in the install.
  expect(failure).toMatchObject({ code: 2, stderr: expect.stringContaining('OUTBOX_DATABASE_URL') });
});

it('reports what the consumer installs', async () => {
  // Everything npm put in the consumer's node_modules for the three packages (with the outbox's Drizzle
  // peer), leaving out the compiler and Node types the consumer brought for itself.
  const own = new Set(['typescript', '@types/node', 'undici-types']);
  const { stdout } = await run('npm', ['ls', '--all', '--parseable'], { cwd: project });
  const folders = stdout
    .split('\n')
    .filter((folder) => folder.includes('node_modules'))
    .filter((folder) => !own.has(folder.split('node_modules/').at(-1)!));
  let bytes = 0;
  for (const folder of folders.filter((folder) => folder.split('node_modules/').length === 2)) {
    for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) bytes += (await stat(path.join(entry.parentPath, entry.name))).size;
    }
  }
  console.log(
    `the consumer installs ${folders.length} packages, ${(bytes / 1024 / 1024).toFixed(1)} MiB; ` +
      packed
        .map(
          (p) =>
            `${p.name}: ${p.size} B packed, ${p.unpackedSize} B unpacked, ${Object.keys(p.dependencies).join(' ') || 'no dependencies'}`,
        )
        .join('; '),
  );
  expect(folders.length).toBeGreaterThan(packed.length);
});

/** A Node process of the consumer project; `next()` is its next JSON line on stdout (bounded wait). */
function startNode(file: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [file], {
    cwd: project,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  processes.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`no output from ${path.basename(file)} in 20 s; stderr: ${stderr}`)),
        20_000,
      ).unref(),
    );
    const line = await Promise.race([lines.next(), timeout]);
    if (line.done) throw new Error(`${path.basename(file)} exited; stderr: ${stderr}`);
    return JSON.parse(line.value) as unknown;
  };
  return { child, next };
}
