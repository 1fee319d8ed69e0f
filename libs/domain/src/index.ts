export * from './parsers/insurer-file-parser';
export { byteLines, withoutCr, type ByteLine } from './parsers/byte-lines';
export * from './insurers/registry';
export * from './normalizer/code-tables';
export * from './normalizer/insurer-mapping';
export * from './normalizer/normalizer';
export * from './normalizer/record-rejection';
export * from './reference';
export * from './text';
/** The canonical value rules (one function per kind of value), for mappings of new insurers. */
export * as CanonicalValues from './values/canonical-values';
export {
  fiveYearsAfter,
  formatBeijingDate,
  formatBeijingDateTime,
  isLeapYear,
  type DateFormat,
  type DateTimeFormat,
} from './values/datetime';
export { PICC_HEADERS, PICC_ID_COLUMN, PICC_ENCODING } from './insurers/picc/picc.format';
export * from './insurers/pingan/pingan.format';
export * from './insurers/cpic/cpic.format';
export * from './insurers/dadi/dadi.format';
export * from './pipeline/normalize-file';
