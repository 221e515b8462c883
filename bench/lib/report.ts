import type { ScenarioResult } from './types';

/** One scenario's line of the report: what it measured, or why it has nothing. */
export type Outcome =
  | { scenario: string; result: ScenarioResult }
  | { scenario: string; error: string };

/** The JSON line's shape; keys of figures a scenario does not measure are left out. */
export interface ReportLine {
  scenario: string;
  eventsPerSec?: number;
  deliveriesPerSec: number;
  ceilingPerSec: number | null;
  ratio: number | null;
  p50Ms?: number;
  p90Ms?: number;
  p99Ms?: number;
  peakRssMb: number;
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
    lines.push({
      scenario: outcome.scenario,
      eventsPerSec: round(r.eventsPerSec, 1),
      deliveriesPerSec: round(r.deliveriesPerSec, 1)!,
      ceilingPerSec: ceilingPerSec === null ? null : round(ceilingPerSec, 1)!,
      ratio: ceilingPerSec ? round(r.deliveriesPerSec / ceilingPerSec, 3)! : null,
      p50Ms: round(r.p50Ms, 2),
      p90Ms: round(r.p90Ms, 2),
      p99Ms: round(r.p99Ms, 2),
      peakRssMb: round(r.peakRssMb, 1)!,
      details: r.details,
    });
  }
  return lines;
}

export function formatTable(outcomes: readonly Outcome[], lines: readonly ReportLine[]): string {
  const header = ['scenario', 'deliveries/s', 'events/s', 'p50 ms', 'p90 ms', 'p99 ms', 'ratio', 'peak RSS MB'];
  const show = (value: number | null | undefined, digits = 0) =>
    value === undefined || value === null ? '–' : value.toFixed(digits);
  const rows = outcomes.map((outcome) => {
    const line = lines.find((l) => l.scenario === outcome.scenario);
    if (!line || 'error' in outcome) return [outcome.scenario, `FAILED: ${'error' in outcome ? outcome.error : '?'}`];
    return [
      line.scenario,
      show(line.deliveriesPerSec),
      show(line.eventsPerSec),
      show(line.p50Ms, 1),
      show(line.p90Ms, 1),
      show(line.p99Ms, 1),
      show(line.ratio, 2),
      show(line.peakRssMb),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.filter((r) => r.length > 2).map((r) => r[i]!.length)));
  const render = (cells: string[]) =>
    cells.length === 2
      ? `${cells[0]!.padEnd(widths[0]!)}  ${cells[1]}`
      : cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [render(header), rule, ...rows.map(render)].join('\n');
}
