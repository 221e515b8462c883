#!/usr/bin/env node
// The `hookline` command. There is no compiled build yet: this launcher registers tsx's loader and runs the
// TypeScript entry point as it is, inside the repository (`npx hookline …`).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
