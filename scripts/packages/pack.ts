// `npm run pack`: builds the packages other repositories install (published-packages.ts) and writes their
// tarballs to dist/packages/, printing each one's size and runtime dependencies. The three move together:
// one version, refused when the package.json files disagree. Publish a tarball with `npm publish <file>`.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPackage } from './build-package';
import { writeConsumerTypes } from './consumer-types';
import { publishedPackages } from './published-packages';

export type PackedPackage = {
  name: string;
  version: string;
  tarball: string;
  /** Bytes of the .tgz, and of its files unpacked. */
  size: number;
  unpackedSize: number;
  files: string[];
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

const defaultRoot = fileURLToPath(new URL('../..', import.meta.url));

export async function packPackages({ root = defaultRoot, outDir = path.join(root, 'dist/packages') } = {}): Promise<
  PackedPackage[]
> {
  const version = await commonVersion(root);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  // Staged inside the repository (in the ignored .data/), where the declaration build resolves @trpc/server
  // and @types/node from its node_modules; one folder per run, so two runs do not collide.
  await mkdir(path.join(root, '.data'), { recursive: true });
  const stage = await mkdtemp(path.join(root, '.data/pack-'));
  try {
    return await packInto({ root, outDir, stage, version });
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

async function packInto({
  root,
  outDir,
  stage,
  version,
}: {
  root: string;
  outDir: string;
  stage: string;
  version: string;
}) {
  const consumerTypesFile = path.join(stage, 'consumer-types.ts');
  await writeFile(consumerTypesFile, writeConsumerTypes({ root }).source);
  const context = {
    root,
    stage,
    version,
    published: publishedPackages.map((spec) => spec.name),
    declaredRanges: await declaredRanges(root),
    consumerTypesFile,
  };
  const packed: PackedPackage[] = [];
  // In list order: a package's declarations may import an earlier one's (the outbox imports the client).
  for (const spec of publishedPackages) {
    const folder = await buildPackage(spec, context);
    const [result] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', outDir], { cwd: folder, encoding: 'utf8' }),
    ) as NpmPackResult[];
    const manifest = JSON.parse(await readFile(path.join(folder, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    packed.push({
      name: spec.name,
      version,
      tarball: path.join(outDir, result!.filename),
      size: result!.size,
      unpackedSize: result!.unpackedSize,
      files: result!.files.map((file) => file.path),
      dependencies: manifest.dependencies,
      peerDependencies: manifest.peerDependencies ?? {},
    });
  }
  return packed;
}

type NpmPackResult = { filename: string; size: number; unpackedSize: number; files: { path: string }[] };

async function commonVersion(root: string): Promise<string> {
  const versions = await Promise.all(
    publishedPackages.map(async (spec) => {
      const manifest = JSON.parse(await readFile(path.join(root, spec.folder, 'package.json'), 'utf8')) as {
        version: string;
      };
      return `${spec.name}@${manifest.version}`;
    }),
  );
  const distinct = new Set(versions.map((entry) => entry.slice(entry.lastIndexOf('@') + 1)));
  if (distinct.size !== 1) {
    throw new Error(
      `The published packages move together but their versions differ (${versions.join(', ')}). ` +
        `Set one version on all of them: npm version <version> --no-git-tag-version ${publishedPackages.map((spec) => `-w ${spec.name}`).join(' ')}`,
    );
  }
  return [...distinct][0]!;
}

/** Every npm package a workspace package.json names, with the range it names (the lock file resolved it). */
async function declaredRanges(root: string): Promise<Map<string, string>> {
  const ranges = new Map<string, string>();
  for (const group of ['apps', 'packages']) {
    for (const folder of await readdir(path.join(root, group))) {
      const file = path.join(root, group, folder, 'package.json');
      const manifest = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as {
        dependencies?: Record<string, string>;
      };
      for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
        if (!name.startsWith('@hookline/') && !ranges.has(name)) ranges.set(name, range);
      }
    }
  }
  return ranges;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const startedAt = performance.now();
  for (const pkg of await packPackages()) {
    const peers = Object.keys(pkg.peerDependencies);
    console.log(
      `${path.relative(process.cwd(), pkg.tarball)}  ${kib(pkg.size)} packed, ${kib(pkg.unpackedSize)} unpacked, ` +
        `${pkg.files.length} files; dependencies: ${Object.keys(pkg.dependencies).join(', ') || 'none'}` +
        (peers.length ? `; peer: ${peers.join(', ')}` : ''),
    );
  }
  console.log(`packed in ${Math.round(performance.now() - startedAt)} ms`);
}
