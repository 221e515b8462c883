// `npm run build`: each app's entry point (and the command line's), with the workspace packages it uses, bundled by esbuild into
// apps/<app>/dist/main.js. Workspace packages export TypeScript source (tsx, vitest and tsc read it as
// it is, with no build step); the bundle compiles that source in, so `node apps/<app>/dist/main.js`
// never resolves a workspace package at run time. Every other package stays an import, resolved from
// node_modules: they must be in the `dependencies` of the app or of a workspace package it uses, so
// `npm prune --omit=dev` keeps them. Type checking is `npm run typecheck`'s job, not the build's.
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { copyFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** What runs in production: the three apps, and the command line (which the bin prefers from source when tsx is there). */
const entries = [...['api', 'delivery', 'hookline'].map((app) => `apps/${app}`), 'packages/cli'];

/** Bare imports outside the workspace stay imports; `@hookline/*` is compiled into the bundle. */
const externalDependencies = {
  name: 'external-dependencies',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^[^./]/ }, ({ path }) =>
      path.startsWith('@hookline/') ? undefined : { path, external: true },
    );
  },
};

const startedAt = performance.now();
await Promise.all(
  entries.map(async (folder) => {
    const outdir = `${root}${folder}/dist`;
    await rm(outdir, { recursive: true, force: true });
    await build({
      entryPoints: [`${root}${folder}/src/main.ts`],
      outdir,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'linked',
      // Stack traces keep the source's function and class names.
      keepNames: true,
      logLevel: 'warning',
      plugins: [externalDependencies],
    });
  }),
);
// The API reference page's renderer (Scalar's standalone file) beside each bundle that serves /docs, so a
// production install needs none of Scalar's dependencies (apps/api/src/docs-page.ts looks there first).
const scalar = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@scalar/api-reference')),
  'browser',
  'standalone.js',
);
for (const app of ['api', 'hookline']) await copyFile(scalar, `${root}apps/${app}/dist/api-reference.js`);
// The operator console: static files the API serves at /console, built by Vite (a dev dependency, so here).
execFileSync('npm', ['run', 'build', '--silent', '-w', '@hookline/console'], { cwd: root, stdio: 'inherit' });
console.log(
  `built apps/console/dist and ${entries.map((folder) => `${folder}/dist/main.js`).join(', ')} in ${Math.round(performance.now() - startedAt)} ms`,
);
