// opencc-js ships types for its root entry only; the `t2cn` entry (Traditional → Simplified dictionaries only,
// a tenth of the full bundle) has the same API.
declare module 'opencc-js/t2cn' {
  type DictLike = string | readonly (readonly [string, string])[];
  type DictGroup = readonly DictLike[];
  export function Converter(options: { from: string; to: string }): (text: string) => string;
  export const Locale: {
    configs?: Record<string, { conversionChain: readonly DictGroup[] } | undefined>;
  };
}

// Simplified → Traditional (used by the record generator to make Traditional-Chinese noise).
declare module 'opencc-js/cn2t' {
  export function Converter(options: { from: string; to: string }): (text: string) => string;
}
