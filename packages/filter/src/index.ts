export {
  filterLimits,
  fieldOperators,
  logicalOperators,
  filterableEnvelopeFields,
  type FilterNode,
  type FieldTest,
  type Scalar,
} from './filter';
export { parseFilter, type ParsedFilter, type FilterIssue } from './parse-filter';
export { evaluateFilter, resolvePath, filterPaths } from './evaluate-filter';
export { checkFilterTypes, type FilterTarget } from './check-filter-types';
