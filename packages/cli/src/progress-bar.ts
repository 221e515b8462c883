import cliProgress from 'cli-progress';

/** A progress bar with count and rate, drawn only on a terminal; elsewhere it prints nothing. */
export function createProgressBar({
  stream,
  enabled,
  label,
}: {
  stream: NodeJS.WritableStream;
  enabled: boolean;
  label: string;
}) {
  if (!enabled) return { start: () => {}, update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WriteStream,
      format: `${label} [{bar}] {value}/{total} | {rate}/s | {duration_formatted} elapsed, ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let startedAt = 0;
  const rate = (done: number) => Math.round(done / Math.max((performance.now() - startedAt) / 1000, 0.001));
  return {
    start: (total: number) => {
      startedAt = performance.now();
      bar.start(total, 0, { rate: 0 });
    },
    update: (done: number, total: number) => {
      bar.setTotal(total);
      bar.update(done, { rate: rate(done) });
    },
    stop: () => bar.stop(),
  };
}
