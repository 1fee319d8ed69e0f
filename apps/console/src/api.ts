import { reactive } from 'vue';

export type PrincipalType = 'insurer' | 'department' | 'province' | 'operator';

export interface SessionInfo {
  user: { username: string; displayName: string } | null;
  principal: {
    id: string;
    type: PrincipalType;
    name: string;
    department: { kind: string; level: string; regionCode: string } | null;
  };
  csrfToken: string | null;
}

/** The signed-in user (null: signed out or not yet known). */
export const session = reactive<{ info: SessionInfo | null; checked: boolean }>({ info: null, checked: false });

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
}

/** Called on a 401: the page goes to the sign-in form (set by the router). */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(f: () => void): void {
  onSignedOut = f;
}

/** One API call with the session cookie; state-changing calls carry the CSRF token. */
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const h: Record<string, string> = { accept: 'application/json', ...headers };
  if (method !== 'GET' && session.info?.csrfToken) h['x-csrf-token'] = session.info.csrfToken;
  let payload: BodyInit | undefined;
  if (body instanceof Blob || body instanceof ArrayBuffer || typeof body === 'string') payload = body as BodyInit;
  else if (body !== undefined) {
    h['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers: h, body: payload, credentials: 'same-origin' });
  const text = await res.text();
  const json: unknown = text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
  if (!res.ok) {
    const e = (json ?? {}) as { code?: string; message?: string; details?: unknown };
    if (res.status === 401 && !path.endsWith('/v1/console/session')) {
      session.info = null;
      onSignedOut();
    }
    throw new ApiError(res.status, e.code ?? String(res.status), e.message ?? res.statusText, e.details);
  }
  return json as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});

/** Asks the gateway who is signed in (once per page load, and after signing in). */
export async function loadSession(): Promise<SessionInfo | null> {
  try {
    session.info = await api<SessionInfo>('GET', '/v1/console/session');
  } catch {
    session.info = null;
  }
  session.checked = true;
  return session.info;
}

export async function signIn(username: string, password: string): Promise<SessionInfo> {
  session.info = await api<SessionInfo>('POST', '/v1/console/session', { username, password });
  return session.info;
}

export async function signOut(): Promise<void> {
  await api('DELETE', '/v1/console/session').catch(() => undefined);
  session.info = null;
}

/** A query string of the non-empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** An error as one Chinese line for the page. */
export function describe(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 404) return `记录不存在或无权查看 (404 ${err.code})`;
    if (err.status === 403) return `无权执行此操作 (403 ${err.code})`;
    return `${err.message} (${err.status} ${err.code})`;
  }
  return err instanceof Error ? err.message : String(err);
}
