import { randomUUID } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import busboy from 'busboy';
import { AuditLog } from '@ajx/audit';
import { fileParserFor, type InsurerFileParser } from '@ajx/domain';
import type { Principal } from '@ajx/identity';
import { GatewayConfig } from '../gateway.config';
import { apiError } from '../http/api-error';
import { BatchOutcomeRepository, type BatchRow, IngestBatchRepository } from '@ajx/ingest-store';
import type { BatchReportDto, IngestAcceptedDto } from './dto/ingest.dto';
import { RawBatchPublisher } from './raw-batch.publisher';
import { type ReceivedUpload, UploadStore, UploadTimeoutError, UploadTooLargeError } from './upload-store';

export interface IngestAnswer {
  status: 200 | 202;
  body: IngestAcceptedDto;
}

interface UploadSource {
  stream: Readable;
  contentType: string;
  filename: string | null;
}

/**
 * The front door for native files: stores the upload, checks the container is whole (nothing is published
 * otherwise), checks every record's size, records the batch and hands it to the publisher. The same file of the
 * same insurer is recognised and not published again. Each insurer has a bounded number of uploads in flight on
 * this instance, and a body must arrive within AJX_INGEST_BODY_TIMEOUT_MS, so one insurer's flood or trickle
 * cannot hold the gateway.
 */
@Injectable()
export class IngestService {
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly config: GatewayConfig,
    private readonly store: UploadStore,
    private readonly batches: IngestBatchRepository,
    private readonly outcomes: BatchOutcomeRepository,
    private readonly publisher: RawBatchPublisher,
    private readonly audit: AuditLog,
  ) {}

  async accept(
    insurer: string,
    principal: Principal,
    req: Request,
    res: Response,
    credentialId: string | null,
    requestId?: string,
  ): Promise<IngestAnswer> {
    const auditBase = { actor: principal.id, action: 'ingest.upload', target: insurer, requestId };
    if (principal.type !== 'insurer' || principal.id !== insurer) {
      await this.audit.record({ ...auditBase, outcome: 'denied', details: { reason: 'not this insurer' } });
      throw apiError(403, 'FORBIDDEN', `an insurer may upload only as itself (you are ${principal.id})`);
    }
    const running = this.inFlight.get(insurer) ?? 0;
    const max = this.config.AJX_INGEST_UPLOADS_PER_INSURER;
    if (running >= max) {
      await this.audit.record({ ...auditBase, outcome: 'denied', details: { reason: 'uploads in flight', max } });
      res.setHeader('Retry-After', '1');
      throw apiError(429, 'UPLOADS_IN_FLIGHT', `${insurer} already has ${running} uploads in flight (at most ${max})`);
    }
    this.inFlight.set(insurer, running + 1);
    try {
      return await this.acceptOwn(insurer, req, res, credentialId, auditBase);
    } finally {
      const left = (this.inFlight.get(insurer) ?? 1) - 1;
      if (left > 0) this.inFlight.set(insurer, left);
      else this.inFlight.delete(insurer);
    }
  }

  private async acceptOwn(
    insurer: string,
    req: Request,
    res: Response,
    credentialId: string | null,
    auditBase: { actor: string; action: string; target: string; requestId?: string },
  ): Promise<IngestAnswer> {
    const adapter = fileParserFor(insurer);
    if (!adapter) throw apiError(404, 'UNKNOWN_INSURER', `no adapter is registered for insurer ${insurer}`);
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > this.config.AJX_INGEST_MAX_BYTES) {
      throw apiError(
        413,
        'PAYLOAD_TOO_LARGE',
        `the body is ${declared} bytes; the limit is ${this.config.AJX_INGEST_MAX_BYTES}`,
      );
    }
    const source = await this.sourceOf(req, adapter);

    let received;
    try {
      received = await this.store.receive(source.stream, this.config.AJX_INGEST_MAX_BYTES, {
        ms: this.config.AJX_INGEST_BODY_TIMEOUT_MS,
        // The request is detached, not destroyed with the stream, so the client still gets the answer.
        onTimeout: () => {
          req.unpipe();
          req.pause();
        },
      });
    } catch (err) {
      if (err instanceof UploadTooLargeError) {
        throw apiError(413, 'PAYLOAD_TOO_LARGE', `the body exceeds the limit of ${err.limit} bytes`);
      }
      if (err instanceof UploadTimeoutError) {
        await this.audit.record({
          ...auditBase,
          outcome: 'denied',
          details: { reason: 'upload timeout', received: err.received },
        });
        res.setHeader('Connection', 'close');
        throw apiError(408, 'UPLOAD_TIMEOUT', err.message);
      }
      throw err;
    }

    return this.acceptReceived(
      insurer,
      adapter,
      received,
      source.contentType,
      source.filename,
      credentialId,
      auditBase,
    );
  }

  /**
   * The ingest path after the bytes are on disk (a one-shot upload, or a completed upload session): duplicate
   * detection, container check, record sizes, batch row, publishing. Streams the file (memory stays bounded).
   */
  async acceptReceived(
    insurer: string,
    adapter: InsurerFileParser,
    received: ReceivedUpload,
    contentType: string,
    filename: string | null,
    credentialId: string | null,
    auditBase: { actor: string; action: string; target: string; requestId?: string },
  ): Promise<IngestAnswer> {
    try {
      return await this.acceptStored(insurer, adapter, received, contentType, filename, credentialId, auditBase);
    } finally {
      // Whatever happened (a refusal, a bug, a lost database connection), no upload stays behind in incoming/: an
      // accepted file has been moved to its batch's place by now, anything else is removed.
      await this.store.discard(received.tempPath);
    }
  }

  private async acceptStored(
    insurer: string,
    adapter: InsurerFileParser,
    received: ReceivedUpload,
    contentType: string,
    filename: string | null,
    credentialId: string | null,
    auditBase: { actor: string; action: string; target: string; requestId?: string },
  ): Promise<IngestAnswer> {
    const requestId = auditBase.requestId;
    const existing = await this.batches.findBySha(insurer, received.sha256);
    if (existing) return this.duplicate(existing, received.tempPath, auditBase);

    const open = this.store.opener(received.tempPath);
    const check = await adapter.checkContainer(open);
    const batchId = randomUUID();
    const base = {
      batchId,
      insurer,
      sha256: received.sha256,
      bytes: received.bytes,
      contentType,
      filename,
      credentialId,
      requestId: requestId ?? null,
    };
    if (!check.ok) {
      const uploadPath = await this.store.keep(received.tempPath, insurer, batchId);
      const recorded = await this.batches.insert({
        ...base,
        uploadPath,
        status: 'rejected',
        records: 0,
        reject: { code: 'MALFORMED_FILE', message: check.message },
      });
      if (!recorded) return this.duplicateBySha(insurer, received.sha256, uploadPath, auditBase);
      await this.audit.record({
        ...auditBase,
        outcome: 'ok',
        details: { batchId, rejected: 'MALFORMED_FILE', message: check.message },
      });
      throw apiError(422, 'MALFORMED_FILE', check.message, { batchId });
    }

    let records = 0;
    for await (const raw of adapter.records(open)) {
      records++;
      const size = Buffer.byteLength(JSON.stringify(raw));
      if (size > this.config.AJX_INGEST_MAX_RECORD_BYTES) {
        await this.store.discard(received.tempPath);
        throw apiError(
          413,
          'RECORD_TOO_LARGE',
          `record ${raw.recordIndex} is ${size} bytes; the limit is ${this.config.AJX_INGEST_MAX_RECORD_BYTES}`,
        );
      }
    }
    const uploadPath = await this.store.keep(received.tempPath, insurer, batchId);
    if (!(await this.batches.insert({ ...base, uploadPath, status: 'accepted', records }))) {
      return this.duplicateBySha(insurer, received.sha256, uploadPath, auditBase);
    }
    await this.audit.record({ ...auditBase, outcome: 'ok', details: { batchId, records, bytes: received.bytes } });
    this.publisher.kick();
    return { status: 202, body: { batchId, records, status: 'accepted', duplicate: false } };
  }

  /** The answer of an upload whose batch exists (a completed upload session asked again). */
  async answerFor(batchId: string): Promise<IngestAnswer> {
    const batch = await this.batches.find(batchId);
    if (!batch) throw apiError(404, 'NOT_FOUND', `no batch ${batchId}`);
    if (batch.status === 'rejected') {
      throw apiError(422, batch.reject_code ?? 'MALFORMED_FILE', batch.reject_message ?? 'the file was rejected', {
        batchId,
        duplicate: true,
      });
    }
    return { status: 200, body: { batchId, records: batch.records, status: batch.status, duplicate: true } };
  }

  async report(
    batchId: string,
    principal: Principal,
    rejectsAfter: number,
    limit: number,
    requestId?: string,
  ): Promise<BatchReportDto> {
    const batch = await this.batches.find(batchId);
    // Another insurer's batch is answered exactly like a missing one.
    if (!batch || (principal.type === 'insurer' && batch.insurer !== principal.id)) {
      await this.audit.record({
        actor: principal.id,
        action: 'ingest.batch.read',
        target: batchId,
        outcome: 'denied',
        requestId,
      });
      throw apiError(404, 'NOT_FOUND', `no batch ${batchId}`);
    }
    const [counts, rejects] = await Promise.all([
      this.outcomes.counts(batchId),
      this.outcomes.rejects(batchId, rejectsAfter, limit + 1),
    ]);
    await this.audit.record({
      actor: principal.id,
      action: 'ingest.batch.read',
      target: batchId,
      outcome: 'ok',
      requestId,
    });
    const fileRejected = batch.status === 'rejected';
    const done = counts.normalized + counts.duplicate + counts.rejected;
    const complete = fileRejected || (batch.status === 'published' && done >= batch.records);
    const page = rejects.slice(0, limit);
    return {
      batchId,
      insurer: batch.insurer,
      status: batch.status,
      records: batch.records,
      published: batch.published,
      normalized: counts.normalized,
      duplicates: counts.duplicate,
      rejected: fileRejected ? 0 : counts.rejected,
      complete,
      acceptedAt: batch.accepted_at.toISOString(),
      publishedAt: batch.published_at?.toISOString() ?? null,
      completedAt: complete ? (counts.lastAt ?? batch.accepted_at).toISOString() : null,
      rejects: page.map((r) => ({
        recordIndex: r.record_index,
        code: r.code,
        message: r.message,
        sourceId: r.source_id,
      })),
      nextRejectsAfter: rejects.length > limit ? page[page.length - 1].record_index : null,
    };
  }

  private async sourceOf(req: Request, adapter: InsurerFileParser): Promise<UploadSource> {
    const header = req.headers['content-type'] ?? '';
    const type = header.split(';')[0].trim().toLowerCase();
    if (type === 'multipart/form-data') return this.multipartFile(req, adapter);
    if (!adapter.contentTypes.includes(type)) {
      throw apiError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `${adapter.insurer} files are sent as ${adapter.contentTypes.join(' or ')} (or multipart/form-data with a "file" part), not ${type || 'no content type'}`,
      );
    }
    // Read through a pass-through so that a timed-out body can be dropped without destroying the request.
    return { stream: req.pipe(new PassThrough()), contentType: type, filename: null };
  }

  /** The first part named `file` of a multipart body, streamed (never buffered). */
  private multipartFile(req: Request, adapter: InsurerFileParser): Promise<UploadSource> {
    return new Promise((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({
          headers: req.headers,
          limits: { files: 1, fields: 20, fileSize: this.config.AJX_INGEST_MAX_BYTES },
        });
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
        if (partType !== 'application/octet-stream' && !adapter.contentTypes.includes(partType)) {
          stream.resume();
          return reject(
            apiError(
              415,
              'UNSUPPORTED_MEDIA_TYPE',
              `the file part is ${partType}; ${adapter.insurer} files are ${adapter.contentTypes.join(' or ')}`,
            ),
          );
        }
        stream.on('limit', () => stream.destroy(new UploadTooLargeError(this.config.AJX_INGEST_MAX_BYTES)));
        resolve({ stream, contentType: partType, filename: info.filename ?? null });
      });
      parser.on('error', (err: Error) => reject(apiError(400, 'MALFORMED_MULTIPART', err.message)));
      parser.on('close', () => {
        if (!found) reject(apiError(400, 'MISSING_FILE', 'the multipart body has no part named "file"'));
      });
      req.pipe(parser);
    });
  }

  private async duplicate(
    existing: BatchRow,
    tempPath: string,
    auditBase: { actor: string; action: string; target: string; requestId?: string },
  ): Promise<IngestAnswer> {
    await this.store.discard(tempPath);
    await this.audit.record({ ...auditBase, outcome: 'ok', details: { batchId: existing.batch_id, duplicate: true } });
    if (existing.status === 'rejected') {
      throw apiError(
        422,
        existing.reject_code ?? 'MALFORMED_FILE',
        existing.reject_message ?? 'the file was rejected',
        {
          batchId: existing.batch_id,
          duplicate: true,
        },
      );
    }
    return {
      status: 200,
      body: { batchId: existing.batch_id, records: existing.records, status: existing.status, duplicate: true },
    };
  }

  private async duplicateBySha(
    insurer: string,
    sha: Buffer,
    path: string,
    auditBase: { actor: string; action: string; target: string; requestId?: string },
  ): Promise<IngestAnswer> {
    const existing = await this.batches.findBySha(insurer, sha);
    if (!existing) throw new Error('batch vanished during a concurrent upload');
    return this.duplicate(existing, path, auditBase);
  }
}
