/**
 * Query parameters that look like credentials. The hub accepts credentials only in headers; such a parameter is
 * refused by the API and never written to a log as given (a URL in a log is read by more people than a token may be).
 */
const CREDENTIAL_PARAM =
  /^(access[_-]?token|token|id[_-]?token|refresh[_-]?token|api[_-]?key|apikey|key|secret|client[_-]?secret|password|passwd|pwd|auth|authorization|bearer|credentials?|signature|sig|session|sid)$/i;

/** True for a query parameter name that looks like a credential. */
export function isCredentialParam(name: string): boolean {
  return CREDENTIAL_PARAM.test(name.trim());
}

/** The credential-looking query parameter names of a request URL (path + query), in order. */
export function credentialParamsOf(url: string): string[] {
  const q = url.indexOf('?');
  if (q < 0) return [];
  const names: string[] = [];
  for (const part of url.slice(q + 1).split('&')) {
    const eq = part.indexOf('=');
    let name = eq < 0 ? part : part.slice(0, eq);
    try {
      name = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // an undecodable name is checked as written
    }
    if (isCredentialParam(name)) names.push(name);
  }
  return names;
}

/** The URL with the value of every credential-looking query parameter replaced by `[REDACTED]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      let name = eq < 0 ? part : part.slice(0, eq);
      const raw = name;
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // checked as written
      }
      return isCredentialParam(name) ? `${raw}=[REDACTED]` : part;
    });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}
