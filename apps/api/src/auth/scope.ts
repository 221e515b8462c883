import { AppError } from '../errors';
import type { Principal } from './principal';

/**
 * The application ids a principal may see, for SQL filters: null means all (admin).
 * Another tenant's object answers 404 exactly like a missing one, so ids cannot be probed.
 */
export function visibleAppId(principal: Principal): string | null {
  return principal.kind === 'admin' ? null : principal.appId;
}

export function assertCanAccessApp(principal: Principal, appId: string): void {
  if (principal.kind === 'application' && principal.appId !== appId) {
    throw new AppError('not_found', `application ${appId} was not found`);
  }
}

export function assertAdmin(principal: Principal): void {
  if (principal.kind !== 'admin') throw new AppError('forbidden', 'this operation needs an admin API key');
}
