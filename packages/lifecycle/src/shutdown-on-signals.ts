import type { Log } from '@hookline/log';

/**
 * For a process's entry point: on SIGINT or SIGTERM, log `message`, run `stop` (which drains), and
 * exit 0. A second signal while stopping is ignored rather than cutting the drain short.
 */
export function shutdownOnSignals({
  log,
  stop,
  message,
}: {
  log: Log;
  stop: () => Promise<void>;
  message: string;
}): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, async () => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: ${message}`);
      await stop();
      log('stopped');
      process.exit(0);
    });
  }
}
