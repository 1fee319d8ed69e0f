// csv-parse publishes `csv-parse/sync` through package exports only, which TypeScript's node10 resolution does not
// read; this is the part of its declared API we use.
declare module 'csv-parse/sync' {
  import type { Options } from 'csv-parse';
  export function parse(input: Buffer | string, options?: Options): string[][];
}
