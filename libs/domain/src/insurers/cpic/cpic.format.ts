/** CPIC (中国太平洋财产保险): one `<AJXBatch insurer batchNo created>` XML document per file, UTF-8. */
export const CPIC_ROOT = 'AJXBatch';
export const CPIC_RECORD_ELEMENTS = {
  Policy: 'policy',
  Service: 'service',
  Hazard: 'hazard',
  Accident: 'accident',
  Claim: 'claim',
} as const;
/** Attributes of the root that every record carries in its envelope. */
export const CPIC_ENVELOPE_ATTRIBUTES = ['insurer', 'batchNo', 'created'] as const;
/** Prefix of attribute keys and the key of text content in the JSON form of an element. */
export const XML_ATTRIBUTE_PREFIX = '@';
export const XML_TEXT_KEY = '#text';
