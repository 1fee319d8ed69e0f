// Simplified → Traditional (used by the record generator to make Traditional-Chinese noise).
declare module 'opencc-js/cn2t' {
  export function Converter(options: { from: string; to: string }): (text: string) => string;
}
