export interface RssSampler {
  /** Peak RSS seen so far, in MB. */
  readonly peakMb: number;
  /** Stops sampling and returns the peak RSS in MB. */
  stop(): number;
}

const bytesPerMb = 1024 * 1024;

/**
 * Samples this process's RSS every `intervalMs`. The process-lifetime peak (`resourceUsage().maxRSS`)
 * would include earlier scenarios, so each scenario gets its own sampler.
 */
export function startRssSampler(intervalMs = 100): RssSampler {
  let peak = process.memoryUsage.rss();
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, intervalMs);
  // The sampler must never be what keeps the process alive.
  timer.unref();
  return {
    get peakMb() {
      return peak / bytesPerMb;
    },
    stop() {
      clearInterval(timer);
      sample();
      return peak / bytesPerMb;
    },
  };
}
