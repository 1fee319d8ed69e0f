export * from './rule-pack/rule-pack.types';
export * from './rule-pack/rule-pack.loader';
export * from './rule-pack/built-in-rule-packs';
export * from './department/department.types';
export * from './department/department.validator';
export * from './department/jurisdiction';
export * from './entitlement/entitlement.types';
export * from './entitlement/entitlement-index';
export * from './mask/field.masks';
export * from './mask/record.mask';
export * from './mask/finding.mask';
export * from './view/department-view.types';
export * from './view/view-schemas';
// Test support (pure, no test framework): the naive oracle and the matrix fixture reused by the router's tests.
export * from './testing/entitlement.reference';
export * from './testing/entitlement-matrix.fixture';
