export { shutdownOnSignals } from './shutdown-on-signals';
export { exitIfStartFails } from './exit-if-start-fails';
