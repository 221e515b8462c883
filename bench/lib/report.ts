import type { ScenarioResult } from './types';

/** One scenario's line of the report: what it measured, or why it has nothing. */
export type Outcome =
  { scenario: string; result: ScenarioResult; loadAvg1m: number } | { scenario: string; error: string };

/** The JSON line's shape; keys of figures a scenario does not measure are left out. */
export interface ReportLine {
  scenario: string;
  eventsPerSec?: number;
  deliveriesPerSec?: number;
  ceilingPerSec: number | null;
  ratio: number | null;
  p50Ms?: number;
  p90Ms?: number;
  p99Ms?: number;
  peakRssMb: number;
  cpuMsPerDelivery?: number;
  /** The machine's 1-minute load average when the scenario ended: above the core count, expect low, noisy figures. */
  loadAvg1m: number;
  note?: string;
  details?: Record<string, number | string | boolean>;
}

const round = (value: number | undefined, digits: number) =>
  value === undefined || !Number.isFinite(value) ? undefined : Number(value.toFixed(digits));

/** The ceiling is whatever the `ceiling` scenario measured in this same run (null when it did not run). */
export function toReportLines(outcomes: readonly Outcome[]): ReportLine[] {
  const ceiling = outcomes.find((o) => o.scenario === 'ceiling' && 'result' in o);
  const ceilingPerSec = ceiling && 'result' in ceiling ? ceiling.result.deliveriesPerSec : null;
  const lines: ReportLine[] = [];
  for (const outcome of outcomes) {
    if (!('result' in outcome)) continue;
    const r = outcome.result;
    const compared = r.compareToCeiling === false ? undefined : (r.deliveriesPerSec ?? r.eventsPerSec);
    lines.push({
      scenario: outcome.scenario,
      eventsPerSec: round(r.eventsPerSec, 1),
      deliveriesPerSec: round(r.deliveriesPerSec, 1),
      ceilingPerSec: ceilingPerSec === null ? null : round(ceilingPerSec, 1)!,
      ratio: ceilingPerSec && compared !== undefined ? round(compared / ceilingPerSec, 3)! : null,
      p50Ms: round(r.p50Ms, 2),
      p90Ms: round(r.p90Ms, 2),
      p99Ms: round(r.p99Ms, 2),
      peakRssMb: round(r.peakRssMb, 1)!,
      cpuMsPerDelivery: round(r.cpuMsPerDelivery, 3),
      loadAvg1m: round(outcome.loadAvg1m, 2)!,
      note: r.note,
      details: r.details,
    });
  }
  return lines;
}

const columns: { title: string; value: (line: ReportLine) => number | null | undefined; digits: number }[] = [
  { title: 'deliveries/s', value: (l) => l.deliveriesPerSec, digits: 0 },
  { title: 'events/s', value: (l) => l.eventsPerSec, digits: 0 },
  { title: 'p50 ms', value: (l) => l.p50Ms, digits: 1 },
  { title: 'p90 ms', value: (l) => l.p90Ms, digits: 1 },
  { title: 'p99 ms', value: (l) => l.p99Ms, digits: 1 },
  { title: 'ratio', value: (l) => l.ratio, digits: 2 },
  { title: 'peak RSS MB', value: (l) => l.peakRssMb, digits: 0 },
  { title: 'CPU ms/delivery', value: (l) => l.cpuMsPerDelivery, digits: 3 },
];

/** A fixed-width table, one row per scenario; a failed scenario's row gives the reason instead. */
export function formatTable(outcomes: readonly Outcome[], lines: readonly ReportLine[]): string {
  const measured = outcomes.flatMap((outcome) => {
    const line = lines.find((l) => l.scenario === outcome.scenario);
    return line ? [[line.scenario, ...columns.map((c) => c.value(line)?.toFixed(c.digits) ?? '–')]] : [];
  });
  const header = ['scenario', ...columns.map((c) => c.title)];
  const noteOf = (scenario: string) => lines.find((l) => l.scenario === scenario)?.note ?? '';
  const widths = header.map((title, i) => Math.max(title.length, ...measured.map((row) => row[i]!.length)));
  const render = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const rows = outcomes.map((outcome) =>
    'error' in outcome
      ? `${outcome.scenario.padEnd(widths[0]!)}  FAILED: ${outcome.error}`
      : `${render(measured.find((row) => row[0] === outcome.scenario)!)}  ${noteOf(outcome.scenario)}`.trimEnd(),
  );
  const anyNote = lines.some((l) => l.note);
  return [
    anyNote ? `${render(header)}  note` : render(header),
    widths.map((w) => '-'.repeat(w)).join('  ') + (anyNote ? '  ----' : ''),
    ...rows,
  ].join('\n');
}
