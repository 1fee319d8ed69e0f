// The part of fontkit (pdfkit's font engine, pinned to the version pdfkit uses) this lib calls; it ships no types.
declare module 'fontkit' {
  export interface Font {
    readonly postscriptName: string;
    readonly familyName: string;
    layout(text: string): unknown;
    hasGlyphForCodePoint(codePoint: number): boolean;
  }
  export interface FontCollection {
    readonly fonts: Font[];
    getFont(postscriptName: string): Font | null;
  }
  export function create(buffer: Buffer | Uint8Array, postscriptName?: string): Font | FontCollection | null;
}
