export { classifyAddress, type AddressCategory, type AddressClass } from './classify-address';
export {
  createEgressPolicy,
  parseCidrList,
  loopbackCidrs,
  AllowedCidrsSetting,
  type EgressPolicy,
  type EgressVerdict,
} from './egress-policy';
export { endpointUrlProblem, checkUrlHost, type HostCheck } from './endpoint-url';
export { createGuardedLookup } from './guarded-lookup';
export { EgressBlockedError, findEgressBlockedError } from './errors';
export { systemResolveHost, type ResolveHost, type ResolvedAddress } from './resolve-host';
export { parseIp } from './ip-address';
