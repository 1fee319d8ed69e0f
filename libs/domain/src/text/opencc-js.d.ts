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
