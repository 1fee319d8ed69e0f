import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { AuditLog } from '@ajx/audit';
import { fileParserFor } from '@ajx/domain';
import type { Principal } from '@ajx/identity';
import { GatewayConfig } from '../gateway.config';
import { apiError } from '../http/api-error';
import { parseContentRange } from './content-range';
import type { CreateUploadDto, UploadSessionDto } from './dto/upload.dto';
import { type IngestAnswer, IngestService } from './ingest.service';
import { UploadSessionRepository, type UploadSessionRow } from '@ajx/ingest-store';
import { ChunkLengthError, UploadStore } from './upload-store';

/**
 * Resumable uploads for files too large for one request: a session (PostgreSQL, with an expiry) whose chunks are
 * appended in order to a file under AJX_UPLOAD_DIR; completing it verifies size and SHA-256 and hands the file to
 * the ordinary ingest path (same duplicate detection, container check and batch report). Only the insurer that
 * created a session may use it.
 */
@Injectable()
export class UploadSessionService {
  constructor(
    private readonly config: GatewayConfig,
    private readonly sessions: UploadSessionRepository,
    private readonly store: UploadStore,
    private readonly ingest: IngestService,
    private readonly audit: AuditLog,
  ) {}

  async create(insurer: string, principal: Principal, dto: CreateUploadDto, requestId?: string) {
    const auditBase = { actor: principal.id, action: 'ingest.upload-session.create', target: insurer, requestId };
    if (principal.type !== 'insurer' || principal.id !== insurer) {
      await this.audit.record({ ...auditBase, outcome: 'denied', details: { reason: 'not this insurer' } });
      throw apiError(403, 'FORBIDDEN', `an insurer may upload only as itself (you are ${principal.id})`);
    }
    const adapter = fileParserFor(insurer);
    if (!adapter) throw apiError(404, 'UNKNOWN_INSURER', `no adapter is registered for insurer ${insurer}`);
    const type = dto.contentType.split(';')[0].trim().toLowerCase();
    if (!adapter.contentTypes.includes(type)) {
      throw apiError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `${insurer} files are ${adapter.contentTypes.join(' or ')}, not ${type || 'no content type'}`,
      );
    }
    if (dto.size > this.config.AJX_UPLOAD_SESSION_MAX_BYTES) {
      throw apiError(
        413,
        'PAYLOAD_TOO_LARGE',
        `the file is ${dto.size} bytes; the limit of an upload session is ${this.config.AJX_UPLOAD_SESSION_MAX_BYTES}`,
      );
    }
    const uploadId = randomUUID();
    await this.store.createSessionFile(uploadId);
    const row = await this.sessions.insert({
      uploadId,
      insurer,
      createdBy: principal.id,
      size: dto.size,
      sha256: Buffer.from(dto.sha256, 'hex'),
      contentType: type,
      filename: dto.filename ?? null,
      ttlHours: this.config.AJX_UPLOAD_SESSION_TTL_HOURS,
    });
    await this.audit.record({ ...auditBase, outcome: 'ok', details: { uploadId, size: dto.size } });
    return this.view(row);
  }

  async status(uploadId: string, principal: Principal, requestId?: string): Promise<UploadSessionDto> {
    return this.view(await this.owned(uploadId, principal, 'ingest.upload-session.read', requestId));
  }

  /** Appends one chunk; the answer says how many bytes the session now holds. */
  async append(
    uploadId: string,
    principal: Principal,
    contentRange: string | undefined,
    body: Readable,
    requestId?: string,
  ): Promise<UploadSessionDto> {
    const row = await this.owned(uploadId, principal, 'ingest.upload-session.append', requestId);
    this.ensureUsable(row);
    const range = parseContentRange(contentRange);
    if (typeof range === 'string') throw apiError(400, 'INVALID_CONTENT_RANGE', range);
    const size = Number(row.size);
    const received = Number(row.received);
    if (range.total !== size) {
      throw apiError(400, 'SIZE_MISMATCH', `Content-Range total ${range.total} is not the session's size ${size}`);
    }
    if (range.first !== received) {
      throw apiError(409, 'OFFSET_MISMATCH', `the next chunk must start at byte ${received}, not ${range.first}`, {
        expectedOffset: received,
      });
    }
    if (range.length > this.config.AJX_UPLOAD_CHUNK_MAX_BYTES) {
      throw apiError(
        413,
        'CHUNK_TOO_LARGE',
        `the chunk is ${range.length} bytes; the limit is ${this.config.AJX_UPLOAD_CHUNK_MAX_BYTES}`,
      );
    }
    try {
      await this.store.writeChunk(uploadId, range.first, range.length, body);
    } catch (err) {
      await this.store.truncateSession(uploadId, received);
      if (err instanceof ChunkLengthError) throw apiError(400, 'CHUNK_LENGTH_MISMATCH', err.message);
      throw err;
    }
    if (!(await this.sessions.advance(uploadId, received, range.last + 1))) {
      const now = await this.sessions.find(uploadId);
      throw apiError(409, 'OFFSET_MISMATCH', 'another request moved the upload meanwhile', {
        expectedOffset: Number(now?.received ?? received),
      });
    }
    return this.view({ ...row, received: String(range.last + 1) });
  }

  /** Verifies size and SHA-256, then ingests the file exactly like a one-shot upload. */
  async complete(uploadId: string, principal: Principal, credentialId: string | null, requestId?: string) {
    const row = await this.owned(uploadId, principal, 'ingest.upload-session.complete', requestId);
    const auditBase = { actor: principal.id, action: 'ingest.upload', target: row.insurer, requestId };
    if (row.status === 'completed' && row.batch_id) {
      return this.ingest.answerFor(row.batch_id);
    }
    this.ensureUsable(row);
    if (Number(row.received) !== Number(row.size)) {
      throw apiError(409, 'INCOMPLETE_UPLOAD', `${row.received} of ${row.size} bytes received`, {
        expectedOffset: Number(row.received),
      });
    }
    if (!(await this.sessions.beginCompletion(uploadId))) {
      throw apiError(409, 'COMPLETION_IN_PROGRESS', 'the upload is being completed by another request');
    }
    let answer: IngestAnswer;
    try {
      const digest = await this.store.digest(this.store.sessionPath(uploadId));
      if (!digest.sha256.equals(row.sha256) || digest.bytes !== Number(row.size)) {
        await this.store.truncateSession(uploadId, 0);
        await this.sessions.reopen(uploadId, 0);
        throw apiError(
          422,
          'CHECKSUM_MISMATCH',
          `the assembled file's SHA-256 is ${digest.sha256.toString('hex')}, not the announced ${row.sha256.toString('hex')}; upload it again from byte 0`,
          { expectedOffset: 0 },
        );
      }
      const tempPath = await this.store.adoptSession(uploadId);
      const adapter = fileParserFor(row.insurer)!;
      try {
        answer = await this.ingest.acceptReceived(
          row.insurer,
          adapter,
          { tempPath, bytes: digest.bytes, sha256: digest.sha256 },
          row.content_type,
          row.filename,
          credentialId,
          auditBase,
        );
      } catch (err) {
        // A file rejected as a whole (422 MALFORMED_FILE) still has a batch: the session is done with it.
        const batchId = (err as { getResponse?: () => { details?: { batchId?: string } } }).getResponse?.()?.details
          ?.batchId;
        if (batchId) await this.sessions.complete(uploadId, batchId);
        throw err;
      }
    } catch (err) {
      const current = await this.sessions.find(uploadId);
      if (current?.status === 'completing') {
        // The session stays usable: if its bytes are gone with a failed acceptance, it starts again from byte 0
        // (status and the next complete say so) instead of answering every retry with an error.
        const kept = await this.store.sessionFileExists(uploadId);
        if (!kept) await this.store.createSessionFile(uploadId);
        await this.sessions.reopen(uploadId, kept ? undefined : 0);
      }
      throw err;
    }
    await this.sessions.complete(uploadId, answer.body.batchId);
    return answer;
  }

  private ensureUsable(row: UploadSessionRow): void {
    if (row.status === 'completed') {
      throw apiError(409, 'UPLOAD_COMPLETED', `upload ${row.upload_id} is completed (batch ${row.batch_id})`);
    }
    if (row.expires_at.getTime() < Date.now()) {
      throw apiError(410, 'UPLOAD_EXPIRED', `upload ${row.upload_id} expired at ${row.expires_at.toISOString()}`);
    }
  }

  /**
   * The session, if this principal created it. Another insurer's session is answered exactly like one that does not
   * exist (404 — no existence oracle), and audited as a denial.
   */
  private async owned(uploadId: string, principal: Principal, action: string, requestId?: string) {
    const row = await this.sessions.find(uploadId);
    if (row && (principal.type !== 'insurer' || row.insurer !== principal.id)) {
      await this.audit.record({
        actor: principal.id,
        action,
        target: uploadId,
        outcome: 'denied',
        requestId,
        details: { reason: 'not the insurer of this upload' },
      });
    }
    if (!row || principal.type !== 'insurer' || row.insurer !== principal.id)
      throw apiError(404, 'NOT_FOUND', `no upload ${uploadId}`);
    return row;
  }

  private view(row: UploadSessionRow): UploadSessionDto {
    return {
      uploadId: row.upload_id,
      insurer: row.insurer,
      size: Number(row.size),
      received: Number(row.received),
      status: row.status,
      batchId: row.batch_id,
      expiresAt: row.expires_at.toISOString(),
    };
  }
}
