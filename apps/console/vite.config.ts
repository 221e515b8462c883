import { defineConfig } from 'vite';

// Served by the API under /console (apps/api/src/console-files.ts); no CDN, so it works offline.
export default defineConfig({
  base: '/console/',
  root: import.meta.dirname,
  // JSX through Vite's own transform (tsconfig's react-jsx): no React plugin, nothing to hot-reload.
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      // TanStack Query marks its modules "use client" for React Server Components; a plain SPA has none.
      onwarn: (warning, warn) => (warning.code === 'MODULE_LEVEL_DIRECTIVE' ? undefined : warn(warning)),
    },
  },
});
