import { readCliEnv } from './env';
import { runCli } from './program';

// Ctrl-C (or SIGTERM) aborts this signal; `tail` and `listen` stop on it and the command exits 0.
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());

// A reader that stops early (`hookline events list | head`) closes the pipe: that ends the output, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), {
  env: readCliEnv(),
  io: { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, isTty: Boolean(process.stdout.isTTY) },
  stopSignal: stop.signal,
});
