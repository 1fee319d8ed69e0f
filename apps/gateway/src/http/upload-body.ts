import { PassThrough, type Readable } from 'node:stream';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import busboy from 'busboy';
import type { Request } from 'express';
import { apiError } from './api-error';
import { type IncomingBody, type IncomingUpload, type UploadedFile, UploadTooLargeError } from './incoming-upload';

/**
 * The body of a request whose handler does not have it parsed as JSON (`@RawBody()` routes: uploads, chunks,
 * register submissions), handed to services as plain values: the services never see the request or the response.
 */
class UploadBody implements IncomingBody, IncomingUpload {
  readonly contentType: string;
  readonly length: number | null;

  constructor(private readonly req: Request) {
    this.contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const declared = Number(req.headers['content-length'] ?? NaN);
    this.length = Number.isFinite(declared) ? declared : null;
  }

  get stream(): Readable {
    return this.req;
  }

  bodyFile(): UploadedFile {
    return { stream: this.req.pipe(new PassThrough()), contentType: this.contentType, filename: null };
  }

  multipartFile(maxBytes: number, refuse: (partType: string) => Error | null): Promise<UploadedFile> {
    return new Promise((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({ headers: this.req.headers, limits: { files: 1, fields: 20, fileSize: maxBytes } });
      } catch (err) {
        return reject(apiError(400, 'MALFORMED_MULTIPART', (err as Error).message));
      }
      let found = false;
      parser.on('file', (name, stream, info) => {
        if (name !== 'file' || found) {
          stream.resume();
          return;
        }
        found = true;
        const partType = info.mimeType.toLowerCase();
        const refused = refuse(partType);
        if (refused) {
          stream.resume();
          return reject(refused);
        }
        stream.on('limit', () => stream.destroy(new UploadTooLargeError(maxBytes)));
        resolve({ stream, contentType: partType, filename: info.filename ?? null });
      });
      parser.on('error', (err: Error) => reject(apiError(400, 'MALFORMED_MULTIPART', err.message)));
      parser.on('close', () => {
        if (!found) reject(apiError(400, 'MISSING_FILE', 'the multipart body has no part named "file"'));
      });
      this.req.pipe(parser);
    });
  }

  detach(): void {
    this.req.unpipe();
    this.req.pause();
  }
}

/** The request's body as plain values (IncomingBody, IncomingUpload) for the services; on `@RawBody()` routes. */
export const Upload = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): IncomingBody & IncomingUpload =>
    new UploadBody(ctx.switchToHttp().getRequest<Request>()),
);

/** The chunk's `Content-Range` header as sent (undefined when absent). */
export const ContentRange = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const header = ctx.switchToHttp().getRequest<Request>().headers['content-range'];
  return typeof header === 'string' ? header : undefined;
});
