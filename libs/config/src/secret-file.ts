import fs from 'node:fs';

/**
 * Reads a secret kept in a file (Docker/Kubernetes secrets, a 0600 file beside the service): the first line, trimmed.
 * The error names the variable and the file, never the content.
 */
export function readSecretFile(variable: string, file: string): string {
  const text = readFileNamed(variable, file);
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  if (!line) throw new Error(`${variable} ${file} is empty`);
  return line;
}

/** Reads a PEM file (certificates, CA bundles, keys) whole; the error names the variable and the file. */
export function readPemFile(variable: string, file: string): string {
  const text = readFileNamed(variable, file);
  if (!text.includes('-----BEGIN ')) throw new Error(`${variable} ${file} is not a PEM file`);
  return text;
}

function readFileNamed(variable: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${variable} ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** `url` with its password replaced by the first line of `passwordFile` (unchanged when no file is given). */
export function urlWithPasswordFile(variable: string, url: string, passwordFile: string): string {
  if (!passwordFile) return url;
  const u = new URL(url);
  u.password = encodeURIComponent(readSecretFile(variable, passwordFile));
  return u.toString();
}
