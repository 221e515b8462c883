export { createEgressPolicy, loopbackCidrs, AllowedCidrsSetting, type EgressPolicy } from './egress-policy';
export { endpointUrlProblem, normalizeEndpointUrl, checkUrlHost } from './endpoint-url';
export { createGuardedLookup } from './guarded-lookup';
export { EgressBlockedError, findEgressBlockedError } from './errors';
export { systemResolveHost, type ResolveHost } from './resolve-host';
export { parseIp } from './ip-address';
