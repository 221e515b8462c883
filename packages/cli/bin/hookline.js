#!/usr/bin/env node
// The `hookline` command. Inside the repository (tsx installed) it runs the TypeScript source as it is, so
// it never lags behind the code; an install without dev dependencies runs what `npm run build` bundled.
const tsx = await import('tsx/esm/api').catch(() => null);
if (tsx) {
  tsx.register();
  await import('../src/main.ts');
} else {
  await import('../dist/main.js');
}
