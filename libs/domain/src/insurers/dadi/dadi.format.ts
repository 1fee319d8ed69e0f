/** DADI (中国大地财产保险): one legacy JSON document `{"gsdm": "DADI", "pch": "<batch>", "sj": [records]}`, UTF-8. */
export const DADI_RECORD_TYPES = {
  bd: 'policy',
  fw: 'service',
  yh: 'hazard',
  sg: 'accident',
  lp: 'claim',
} as const;
export const DADI_ID_FIELD: Readonly<Record<string, string>> = {
  bd: 'bdh',
  fw: 'fwbh',
  yh: 'yhbh',
  sg: 'sgbh',
  lp: 'pah',
};
/** Top-level keys every record carries in its envelope (`gsdm` declares the insurer, `pch` is the batch). */
export const DADI_ENVELOPE_KEYS = ['gsdm', 'pch'] as const;
export const DADI_RECORDS_KEY = 'sj';
