import { createMetrics } from '@hookline/monitoring';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { promtool, promtoolMissing } from './support/promtool';

const deploy = fileURLToPath(new URL('../deploy/', import.meta.url));
const alertsFile = path.join(deploy, 'prometheus/alerts.yml');
const dashboard = JSON.parse(readFileSync(path.join(deploy, 'grafana/hookline.json'), 'utf8')) as {
  panels: { title: string; targets: { expr: string }[] }[];
};
const dashboardExprs = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));

/** Every metric name Hookline serves, read from a registry with every gauge registered. */
async function servedNames(): Promise<Set<string>> {
  const metrics = createMetrics();
  metrics.observeDatabase(async () => ({
    queueJobs: { created: 0, retry: 0, active: 0 },
    deadLetters: 0,
    endpoints: { enabled: 0, disabled: 0 },
  }));
  metrics.observeTableSizes(async () => [{ table: 'public.events', bytes: 0 }]);
  const text = (await metrics.render())!.body;
  return new Set([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => m[1]!));
}

/** The hookline_* names an expression uses, with a histogram's _bucket/_sum/_count suffix taken off. */
const hooklineNames = (expr: string) =>
  [...expr.matchAll(/\bhookline_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''));

describe('deploy/: the alerts and the dashboard', () => {
  it('use only metric names Hookline serves', async () => {
    const served = await servedNames();
    const used = [
      ...hooklineNames(readFileSync(alertsFile, 'utf8')),
      ...dashboardExprs.flatMap((e) => hooklineNames(e.expr)),
    ];
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((name) => !served.has(name))).toEqual([]);
  });

  it.skipIf(promtoolMissing)('alerts.yml passes promtool check rules, and each alert fires in its unit test', () => {
    const check = promtool(['check', 'rules', alertsFile])!;
    expect(check.output).toContain('SUCCESS: 5 rules found');
    expect(check.status).toBe(0);
    const test = promtool(['test', 'rules', path.join(deploy, 'prometheus/alerts.test.yml')])!;
    expect(test.output).toContain('SUCCESS');
    expect(test.status).toBe(0);
  });

  it.skipIf(promtoolMissing)('every dashboard query is valid PromQL (checked as recording rules)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hookline-dashboard-'));
    try {
      const rules = dashboardExprs.map(
        ({ expr }, i) => `      - record: dashboard:query_${i}\n        expr: '${expr.replace(/'/g, "''")}'`,
      );
      const file = path.join(dir, 'dashboard-rules.yml');
      writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
      const check = promtool(['check', 'rules', file])!;
      expect(check.output).toContain(`SUCCESS: ${dashboardExprs.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
