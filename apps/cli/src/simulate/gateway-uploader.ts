import type { RegisterLine, ScenarioFile } from '@ajx/simulation';

/** The gateway refused an upload: its status, error code and message (and the first problems it named). */
export class UploadRefusedError extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${what} refused: ${status} ${code}: ${detail}`);
    this.name = 'UploadRefusedError';
  }
}

interface ApiError {
  code?: string;
  message?: string;
  details?: { errors?: { line: number; field: string; message: string }[] };
}

/** What the gateway answers to an accepted file (202). */
export interface UploadAnswer {
  batchId: string;
  records: number;
}

/** What it answers to an accepted register (201). */
export interface RegisterAnswer {
  version: number;
  entries: number;
  added: number;
  removed: number;
}

/** Uploads through the gateway's public API with each principal's own bearer token, as its IT would. */
export class GatewayUploader {
  constructor(
    private readonly url: string,
    private readonly tokenOf: (principal: string) => string,
  ) {}

  /** `PUT /v1/dept/register`: a department replaces the register of its jurisdiction with these lines. */
  async putRegister(principal: string, lines: readonly RegisterLine[]): Promise<RegisterAnswer> {
    const body = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
    return this.send<RegisterAnswer>(`PUT /v1/dept/register as ${principal}`, '/v1/dept/register', {
      method: 'PUT',
      headers: { authorization: `Bearer ${this.tokenOf(principal)}`, 'content-type': 'application/x-ndjson' },
      body,
    });
  }

  /** `POST /v1/ingest/{insurer}/files`: an insurer delivers a native file. */
  async uploadFile(f: Omit<ScenarioFile, 'records'>, label: string): Promise<UploadAnswer> {
    const what = `${f.insurer}${f.kind ? ` ${f.kind}` : ''} file of the ${label}`;
    return this.send<UploadAnswer>(what, `/v1/ingest/${f.insurer}/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.tokenOf(f.insurer)}`, 'content-type': f.contentType },
      body: await f.file.bytes(),
    });
  }

  private async send<T>(what: string, path: string, init: RequestInit): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, init);
    } catch (err) {
      throw new UploadRefusedError(what, 0, 'UNREACHABLE', `${this.url}: ${(err as Error).message}`);
    }
    const text = await res.text();
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      answer = null;
    }
    if (res.ok) return answer as T;
    const e = (answer ?? {}) as ApiError;
    const problems = (e.details?.errors ?? [])
      .slice(0, 5)
      .map((p) => `line ${p.line}${p.field ? ` ${p.field}` : ''}: ${p.message}`);
    throw new UploadRefusedError(
      what,
      res.status,
      e.code ?? 'HTTP_ERROR',
      [e.message ?? (text.slice(0, 200) || res.statusText), ...problems].join('; '),
    );
  }
}
