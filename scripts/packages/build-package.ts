// Builds one published package into a staging folder that `npm pack` turns into the tarball: bundled
// JavaScript (ESM, and CommonJS where cheap), one bundled declaration file per entry, the README, the
// licence and a package.json whose dependencies are exactly the packages the built files import.
import { builtinModules } from 'node:module';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { generateDtsBundle } from 'dts-bundle-generator';
import type { PublishedPackage } from './published-packages';

export type BuildContext = {
  root: string;
  /** Where every package is staged: <stage>/node_modules/<name>, so one staged package can import another's types. */
  stage: string;
  version: string;
  /** The published packages' names: imports of these stay imports (a dependency on the same version). */
  published: string[];
  /** Every range the workspace declares for an npm package, to give a runtime dependency the range it was tested with. */
  declaredRanges: Map<string, string>;
  /** File the client's imports of @hookline/api and @hookline/schema resolve to for declarations (consumer-types.ts). */
  consumerTypesFile: string;
};

export async function buildPackage(spec: PublishedPackage, context: BuildContext): Promise<string> {
  const { root, stage, version, published } = context;
  const target = path.join(stage, 'node_modules', spec.name);
  await rm(target, { recursive: true, force: true });
  await mkdir(path.join(target, 'dist'), { recursive: true });
  const source = JSON.parse(await readFile(path.join(root, spec.folder, 'package.json'), 'utf8')) as SourceManifest;

  const imported = new Set<string>();
  const bundle = async (
    entry: string,
    out: string,
    platform: 'node' | 'neutral',
    format: 'esm' | 'cjs',
    banner = '',
  ) => {
    const result = await build({
      entryPoints: [path.join(root, spec.folder, entry)],
      outfile: path.join(target, 'dist', `${out}.${format === 'esm' ? 'js' : 'cjs'}`),
      bundle: true,
      platform,
      format,
      // Node 18 is the oldest runtime the packages promise; edge runtimes are at least as new.
      target: platform === 'node' ? 'node18' : 'es2022',
      // No source maps: they would point at TypeScript files the tarball does not carry. The output is not minified.
      sourcemap: false,
      metafile: true,
      banner: { js: banner },
      logLevel: 'warning',
      plugins: [
        {
          name: 'keep-package-imports',
          setup(esbuild) {
            // Unpublished workspace packages are compiled in; npm packages and published ones stay imports.
            esbuild.onResolve({ filter: /^[^./]/ }, ({ path: specifier }) => {
              const name = packageName(specifier);
              if (name.startsWith('@hookline/') && !published.includes(name)) return undefined;
              if (isBuiltin(specifier)) {
                if (platform === 'neutral') {
                  return {
                    errors: [{ text: `${spec.name} ${entry} must run without Node built-ins: imports ${specifier}` }],
                  };
                }
                return { path: specifier, external: true };
              }
              return { path: specifier, external: true };
            });
          },
        },
      ],
    });
    for (const name of externalPackages(result.metafile)) imported.add(name);
  };
  for (const entry of spec.entries) {
    await bundle(entry.source, entry.out, entry.platform, 'esm');
    if (spec.commonJs) await bundle(entry.source, entry.out, entry.platform, 'cjs');
  }
  for (const [bin, entry] of Object.entries(spec.bins ?? {})) {
    // npm links a bin as an executable file: it runs through its #! line.
    await bundle(entry, `bin/${bin}`, 'node', 'esm', '#!/usr/bin/env node');
  }

  const declarationImports = await writeDeclarations(spec, target, context);
  const peerDependencies = spec.peerDependencies ?? {};
  const dependencies: Record<string, string> = {};
  for (const name of [...imported].sort()) {
    if (name in peerDependencies) continue;
    const range = name.startsWith('@hookline/') ? version : context.declaredRanges.get(name);
    if (!range) throw new Error(`${spec.name} imports ${name}, which no workspace package declares as a dependency`);
    dependencies[name] = range;
  }
  // A type the declarations import must be installable from the consumer's side too.
  for (const name of declarationImports) {
    if (!(name in dependencies) && !(name in peerDependencies)) {
      const range = context.declaredRanges.get(name);
      if (!range) throw new Error(`${spec.name}'s declarations import ${name}, which no workspace package declares`);
      dependencies[name] = range;
    }
  }

  const manifest = {
    name: spec.name,
    version,
    description: source.description,
    license: source.license,
    repository: source.repository,
    type: 'module',
    engines: { node: '>=18' },
    sideEffects: false,
    exports: Object.fromEntries(
      spec.entries.map(({ subpath, out }) => [
        subpath,
        {
          import: { types: `./dist/${out}.d.ts`, default: `./dist/${out}.js` },
          ...(spec.commonJs ? { require: { types: `./dist/${out}.d.cts`, default: `./dist/${out}.cjs` } } : {}),
        },
      ]),
    ),
    main: spec.commonJs ? './dist/index.cjs' : './dist/index.js',
    types: './dist/index.d.ts',
    ...(spec.bins
      ? { bin: Object.fromEntries(Object.keys(spec.bins).map((bin) => [bin, `./dist/bin/${bin}.js`])) }
      : {}),
    files: ['dist', 'README.md', 'LICENSE'],
    dependencies,
    ...(Object.keys(peerDependencies).length ? { peerDependencies } : {}),
  };
  await writeFile(path.join(target, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await copyFile(path.join(root, spec.folder, 'README.md'), path.join(target, 'README.md'));
  await copyFile(path.join(root, 'LICENSE'), path.join(target, 'LICENSE'));
  return target;
}

type SourceManifest = { description?: string; license?: string; repository?: unknown };

/** One declaration file per entry (and a .d.cts twin for require), returning the packages they import. */
async function writeDeclarations(spec: PublishedPackage, target: string, context: BuildContext): Promise<Set<string>> {
  const { root, stage, published } = context;
  const workspace = (name: string) => path.join(root, name.replace('@hookline/', 'packages/'), 'src/index.ts');
  const paths: Record<string, string[]> = {
    '@hookline/api': [context.consumerTypesFile],
    '@hookline/schema': [context.consumerTypesFile],
  };
  for (const name of ['@hookline/log', '@hookline/lifecycle']) paths[name] = [workspace(name)];
  // A published package another one imports resolves to its staged declarations, under a node_modules
  // path, so the bundler keeps it an import instead of copying its types in.
  for (const name of published) {
    if (name !== spec.name) paths[name] = [path.join(stage, 'node_modules', name, 'dist/index.d.ts')];
  }
  const tsconfig = path.join(stage, `tsconfig.${spec.name.replace('@hookline/', '')}.json`);
  await writeFile(
    tsconfig,
    JSON.stringify({
      extends: path.join(root, 'tsconfig.base.json'),
      compilerOptions: { paths, noEmit: false },
      files: spec.entries.map((entry) => path.join(root, spec.folder, entry.source)),
    }),
  );
  const bundles = generateDtsBundle(
    spec.entries.map((entry) => ({
      filePath: path.join(root, spec.folder, entry.source),
      output: { noBanner: true, exportReferencedTypes: false },
    })),
    { preferredConfigPath: tsconfig },
  );
  const imports = new Set<string>();
  for (const [index, entry] of spec.entries.entries()) {
    const text = `// Declarations of ${spec.name}${entry.subpath === '.' ? '' : entry.subpath} ${context.version}.\n${bundles[index]}`;
    for (const match of text.matchAll(/from ['"]([^'"]+)['"]/g)) imports.add(packageName(match[1]!));
    await writeFile(path.join(target, 'dist', `${entry.out}.d.ts`), text);
    if (spec.commonJs) await writeFile(path.join(target, 'dist', `${entry.out}.d.cts`), text);
  }
  for (const name of imports) if (isBuiltin(name)) imports.delete(name);
  return imports;
}

function externalPackages(metafile: Metafile): Set<string> {
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const { path: specifier, external } of output.imports) {
      if (external && !isBuiltin(specifier)) names.add(packageName(specifier));
    }
  }
  return names;
}

const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(specifier);

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
