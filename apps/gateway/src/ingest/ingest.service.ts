import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import { fileParserFor, type InsurerFileParser } from '@ajx/domain';
import type { Principal } from '@ajx/identity';
import { GatewayConfig } from '../gateway.config';
import { apiError } from '../http/api-error';
import { type IncomingUpload, type UploadedFile, UploadTooLargeError } from '../http/incoming-upload';
import { type BatchRow, IngestBatchRepository } from '@ajx/ingest-store';
import type { IngestAcceptedDto } from './dto/ingest.dto';
import { RawBatchPublisher } from './raw-batch.publisher';
import { UploadSlots } from './upload-slots';
import { type ReceivedUpload, UploadStore, UploadTimeoutError } from './upload-store';

export interface IngestAnswer {
  status: 200 | 202;
  body: IngestAcceptedDto;
}

/**
 * The front door for native files: stores the upload, checks the container is whole (nothing is published
 * otherwise), checks every record's size, records the batch and hands it to the publisher. The same file of the
 * same insurer is recognised and not published again. Each insurer has a bounded number of uploads in flight across
 * every gateway instance (UploadSlots, in Redis), and a body must arrive within AJX_INGEST_BODY_TIMEOUT_MS, so one insurer's flood or trickle
 * cannot hold the gateway.
 */
@Injectable()
export class IngestService {
  constructor(
    private readonly config: GatewayConfig,
    private readonly store: UploadStore,
    private readonly batches: IngestBatchRepository,
    private readonly publisher: RawBatchPublisher,
    private readonly audit: AuditLog,
    private readonly slots: UploadSlots,
  ) {}

  async accept(
    insurer: string,
    principal: Principal,
    upload: IncomingUpload,
    credentialId: string | null,
    requestId?: string,
  ): Promise<IngestAnswer> {
    const auditBase = { actor: principal.id, action: 'ingest.upload', target: insurer, requestId };
    if (principal.type !== 'insurer' || principal.id !== insurer) {
      await this.audit.record({ ...auditBase, outcome: 'denied', details: { reason: 'not this insurer' } });
      throw apiError(403, 'FORBIDDEN', `an insurer may upload only as itself (you are ${principal.id})`);
    }
    const max = this.config.AJX_INGEST_UPLOADS_PER_INSURER;
    const slot = await this.slots.acquire(insurer, max, this.config.AJX_INGEST_UPLOAD_LEASE_MS);
    if (!slot.ok) {
      await this.audit.record({ ...auditBase, outcome: 'denied', details: { reason: 'uploads in flight', max } });
      throw apiError(
        429,
        'UPLOADS_IN_FLIGHT',
        `${insurer} already has ${slot.held} uploads in flight (at most ${max})`,
        undefined,
        { 'Retry-After': '1' },
      );
    }
    try {
      return await this.acceptOwn(insurer, upload, credentialId, auditBase);
    } finally {
      await slot.release();
    }
  }

  private async acceptOwn(
    insurer: string,
    upload: IncomingUpload,
    credentialId: string | null,
    auditBase: { actor: string; action: string; target: string; requestId?: string },
  ): Promise<IngestAnswer> {
    const adapter = fileParserFor(insurer);
    if (!adapter) throw apiError(404, 'UNKNOWN_INSURER', `no adapter is registered for insurer ${insurer}`);
    const declared = upload.length;
    if (declared !== null && declared > this.config.AJX_INGEST_MAX_BYTES) {
      throw apiError(
        413,
        'PAYLOAD_TOO_LARGE',
        `the body is ${declared} bytes; the limit is ${this.config.AJX_INGEST_MAX_BYTES}`,
      );
    }
    const source = await this.fileOf(upload, adapter);

    let received;
    try {
      received = await this.store.receive(source.stream, this.config.AJX_INGEST_MAX_BYTES, {
        ms: this.config.AJX_INGEST_BODY_TIMEOUT_MS,
        // The request is detached, not destroyed with the stream, so the client still gets the answer.
        onTimeout: () => upload.detach(),
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
        throw apiError(408, 'UPLOAD_TIMEOUT', err.message, undefined, { Connection: 'close' });
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

  /** The file of the upload: a multipart body's "file" part, or the body itself in one of the insurer's types. */
  private async fileOf(upload: IncomingUpload, adapter: InsurerFileParser): Promise<UploadedFile> {
    const type = upload.contentType;
    if (type === 'multipart/form-data') {
      return upload.multipartFile(this.config.AJX_INGEST_MAX_BYTES, (partType) =>
        partType !== 'application/octet-stream' && !adapter.contentTypes.includes(partType)
          ? apiError(
              415,
              'UNSUPPORTED_MEDIA_TYPE',
              `the file part is ${partType}; ${adapter.insurer} files are ${adapter.contentTypes.join(' or ')}`,
            )
          : null,
      );
    }
    if (!adapter.contentTypes.includes(type)) {
      throw apiError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `${adapter.insurer} files are sent as ${adapter.contentTypes.join(' or ')} (or multipart/form-data with a "file" part), not ${type || 'no content type'}`,
      );
    }
    // Read through a pass-through so that a timed-out body can be dropped without destroying the request.
    return upload.bodyFile();
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
