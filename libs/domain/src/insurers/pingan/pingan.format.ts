/** PINGAN (中国平安财产保险): NDJSON, UTF-8, one record per non-blank line, typed by `recordType`. */
export const PINGAN_RECORD_TYPES = {
  POLICY: 'policy',
  SERVICE: 'service',
  HAZARD: 'hazard',
  ACCIDENT: 'accident',
  CLAIM: 'claim',
} as const;

/** The field holding each record type's id. */
export const PINGAN_ID_FIELD: Readonly<Record<string, string>> = {
  POLICY: 'policyNo',
  SERVICE: 'serviceNo',
  HAZARD: 'dangerNo',
  ACCIDENT: 'accidentNo',
  CLAIM: 'claimNo',
};
