export { Envelope, buildEnvelope, type BuildEnvelopeInput } from './envelope';
export {
  defineEventVersion,
  compareVersions,
  VERSION_PATTERN,
  EVENT_TYPE_PATTERN,
  type EventVersionDefinition,
  type EventVersionMap,
  type EventCatalogShape,
} from './define';
export {
  eventCatalog,
  findEventVersion,
  type EventCatalog,
  type EventType,
  type EventVersion,
  type EventData,
  type PublishableEvent,
  type VersionPins,
} from './catalog';
export { assertCatalogIsConsistent } from './consistency';
export {
  validateEventData,
  checkEventVersion,
  type ValidateEventDataResult,
  type CheckEventVersionResult,
} from './validate';
export { convertEventData, type ConvertEventDataResult } from './convert';
export { listEventTypes, getEventType, type EventTypeDescription, type EventVersionDescription } from './describe';
export { matchesEventType, isValidEventTypePattern } from './patterns';
export { formatPath, type ValidationIssue } from './issues';
export * from './events/order';
export * from './events/payment';
export * from './events/customer';
export * from './events/endpoint';
export * from './events/delivery';
