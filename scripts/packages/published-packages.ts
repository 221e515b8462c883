// The packages other repositories install, and what each ships. Everything else in the workspace stays
// private: what a published package needs from it (the log, the lifecycle helpers) is compiled into its
// JavaScript, and the server's types reach the client as expanded declarations (consumer-types.ts).

export type Entry = {
  /** The `exports` key: '.' or './web'. */
  subpath: string;
  source: string;
  /** Base name of the files under dist/. */
  out: string;
  /** 'neutral' refuses Node built-ins at build time: the entry must run in browsers and edge runtimes. */
  platform: 'node' | 'neutral';
};

export type PublishedPackage = {
  name: string;
  folder: string;
  entries: Entry[];
  /** A CommonJS build beside the ESM one, for `require` (cheap where nothing needs top-level await). */
  commonJs: boolean;
  bins?: Record<string, string>;
  /** Packages the consumer must share with us (one instance), installed by them: never bundled or duplicated. */
  peerDependencies?: Record<string, string>;
};

export const publishedPackages: PublishedPackage[] = [
  {
    name: '@hookline/verify',
    folder: 'packages/verify',
    entries: [
      { subpath: '.', source: 'src/index.ts', out: 'index', platform: 'node' },
      { subpath: './web', source: 'src/web/index.ts', out: 'web', platform: 'neutral' },
    ],
    commonJs: true,
  },
  {
    name: '@hookline/client',
    folder: 'packages/client',
    // The console runs it in the browser: no Node built-ins.
    entries: [{ subpath: '.', source: 'src/index.ts', out: 'index', platform: 'neutral' }],
    commonJs: true,
  },
  {
    name: '@hookline/outbox',
    folder: 'packages/outbox',
    entries: [{ subpath: '.', source: 'src/index.ts', out: 'index', platform: 'node' }],
    // The relay's entry point awaits at top level, which CommonJS cannot; services that require() are rare here.
    commonJs: false,
    bins: { 'hookline-outbox-relay': 'src/relay-main.ts' },
    // The outbox writes inside the service's own Drizzle transaction: its `sql` and tables must be the
    // service's drizzle-orm, not a second copy with other classes.
    peerDependencies: { 'drizzle-orm': '^0.45.4' },
  },
];
