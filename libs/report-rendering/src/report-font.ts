import fs from 'node:fs';
import * as fontkit from 'fontkit';

/*
 * The CJK font PDF reports embed (subset: only the glyphs used). Default: Noto Sans CJK SC from Debian's
 * fonts-noto-cjk, which scripts/bootstrap.sh installs; a .ttc collection whose members are chosen by PostScript name.
 * Nothing is fetched at run time: a missing file is an error naming it.
 */

export interface ReportFont {
  /** A TrueType/OpenType font or collection (.ttf, .otf, .ttc). */
  file: string;
  /** PostScript name of the face inside a collection (required for a .ttc, ignored for a single font). */
  family?: string;
  /** Bold face for headings; the regular face is used when absent. */
  boldFile?: string;
  boldFamily?: string;
}

export const DEBIAN_NOTO_CJK_DIR = '/usr/share/fonts/opentype/noto';

export const DEFAULT_REPORT_FONT: Readonly<ReportFont> = {
  file: `${DEBIAN_NOTO_CJK_DIR}/NotoSansCJK-Regular.ttc`,
  family: 'NotoSansCJKsc-Regular',
  boldFile: `${DEBIAN_NOTO_CJK_DIR}/NotoSansCJK-Bold.ttc`,
  boldFamily: 'NotoSansCJKsc-Bold',
};

/**
 * The font from the environment: `AJX_REPORT_FONT_FILE` + `AJX_REPORT_FONT_FAMILY` (and optionally
 * `AJX_REPORT_FONT_BOLD_FILE` + `AJX_REPORT_FONT_BOLD_FAMILY`); Debian's Noto Sans CJK SC when the file is not set.
 */
export function reportFontFromEnv(env: NodeJS.ProcessEnv = process.env): ReportFont {
  const file = env.AJX_REPORT_FONT_FILE?.trim();
  if (!file) return { ...DEFAULT_REPORT_FONT };
  const boldFile = env.AJX_REPORT_FONT_BOLD_FILE?.trim();
  return {
    file,
    family: env.AJX_REPORT_FONT_FAMILY?.trim() || undefined,
    boldFile: boldFile || undefined,
    boldFamily: boldFile ? env.AJX_REPORT_FONT_BOLD_FAMILY?.trim() || undefined : undefined,
  };
}

export class ReportFontError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportFontError';
  }
}

const HOW_TO_INSTALL =
  'install the Debian package fonts-noto-cjk (scripts/bootstrap.sh does), or set AJX_REPORT_FONT_FILE (and AJX_REPORT_FONT_FAMILY for a .ttc) to a CJK font';

// A collection is ~20 MB and parsing it is most of a report's rendering time: each face is opened once per process
// and shared by every PDF (pdfkit accepts a fontkit font; its glyph and layout caches then carry over).
const faces = new Map<string, fontkit.Font>();

function readFontFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ReportFontError(
      code === 'ENOENT'
        ? `report font file not found: ${file}; ${HOW_TO_INSTALL}`
        : `report font file ${file} cannot be read (${code ?? String(error)}); ${HOW_TO_INSTALL}`,
    );
  }
}

function isCollection(font: fontkit.Font | fontkit.FontCollection): font is fontkit.FontCollection {
  return Array.isArray((font as fontkit.FontCollection).fonts);
}

/**
 * One face of the report font, opened with fontkit: the named member of a collection, or the single font of a
 * .ttf/.otf. A ReportFontError names the file and, for a collection, the faces it holds.
 */
export function openReportFace(file: string, family?: string): fontkit.Font {
  const key = `${file}\u0000${family ?? ''}`;
  const cached = faces.get(key);
  if (cached) return cached;
  const bytes = readFontFile(file);
  let font: fontkit.Font | fontkit.FontCollection | null;
  try {
    font = fontkit.create(bytes);
  } catch (error) {
    throw new ReportFontError(
      `report font file ${file} is not a TrueType/OpenType font or collection (${(error as Error).message})`,
    );
  }
  if (font === null)
    throw new ReportFontError(`report font file ${file} is not a TrueType/OpenType font or collection`);
  let face: fontkit.Font;
  if (isCollection(font)) {
    const names = font.fonts.map((f) => f.postscriptName);
    const member = family === undefined ? null : font.getFont(family);
    if (member === null) {
      throw new ReportFontError(
        `report font collection ${file} ${family === undefined ? 'needs a face name (AJX_REPORT_FONT_FAMILY)' : `has no face ${JSON.stringify(family)}`}; its faces: ${names.join(', ')}`,
      );
    }
    face = member;
  } else {
    face = font;
  }
  faces.set(key, face);
  return face;
}
