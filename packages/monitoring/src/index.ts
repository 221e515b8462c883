export {
  createMetrics,
  type Metrics,
  type AttemptOutcomeLabel,
  type DatabaseCounts,
  type ReconciledKindLabel,
  type TableSize,
} from './metrics';
export { createReadiness, type Readiness, type ReadinessAnswer } from './readiness';
export { serveStatus, statusPaths } from './status-routes';
export { startStatusServer, type StatusServer } from './status-server';
export { MetricsSetting } from './metrics-setting';
