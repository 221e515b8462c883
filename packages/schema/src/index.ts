export { Envelope, buildEnvelope, envelopeBody } from './envelope';
export {
  eventCatalog,
  findEventVersion,
  type EventType,
  type EventData,
  type PublishableEvent,
  type VersionPins,
} from './catalog';
export { validateEventData, checkEventVersion } from './validate';
export { convertEventData } from './convert';
export { payloadForEndpoint, pinnedVersion, type EndpointPayload } from './payload-for-endpoint';
export { listEventTypes, getEventType } from './describe';
export { matchesEventType, isValidEventTypePattern } from './patterns';
export { formatPath, type ValidationIssue } from './issues';
export * from './events/order';
export * from './events/payment';
export * from './events/customer';
export * from './events/endpoint';
export * from './events/delivery';
