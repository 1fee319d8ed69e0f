import type { Readable } from 'node:stream';

/** A body grew beyond what the handler accepts. */
export class UploadTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the upload exceeds ${limit} bytes`);
  }
}

/** A request body as plain values: its media type, its declared length and its bytes (not read until consumed). */
export interface IncomingBody {
  /** Media type, lower case, without parameters ('' when none was sent). */
  contentType: string;
  /** Content-Length as declared, or null (chunked, or not a number). */
  length: number | null;
  stream: Readable;
}

/** The file a request carries: the body itself, or the part named "file" of a multipart/form-data body. */
export interface UploadedFile {
  stream: Readable;
  /** Media type, lower case, without parameters. */
  contentType: string;
  filename: string | null;
}

/**
 * An uploaded file, read only when the service asks — after its own checks (who may upload, how many at once), so
 * nothing is read of a request that is refused. The HTTP edge (upload-body.ts) implements it over the request.
 */
export interface IncomingUpload {
  contentType: string;
  length: number | null;
  /** The body as the file, read through a pass-through (so that {@link detach} leaves the request answerable). */
  bodyFile(): UploadedFile;
  /**
   * The first part named `file` of a multipart/form-data body, streamed (never buffered); a part larger than
   * `maxBytes` fails with UploadTooLargeError. 400 MALFORMED_MULTIPART or MISSING_FILE when there is none;
   * `refuse(partType)` may refuse the part (its answer is thrown, the part is skipped).
   */
  multipartFile(maxBytes: number, refuse: (partType: string) => Error | null): Promise<UploadedFile>;
  /** Stops reading the body without destroying the request, so that it can still be answered (a time-out). */
  detach(): void;
}
