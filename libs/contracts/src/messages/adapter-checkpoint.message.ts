import { uuidV5 } from '../events/event-id';
import type { EncodedMessage, ReceivedMessage } from './kafka-message';

/** Namespace of the batch ids the insurer adapters derive from their files. */
export const ADAPTER_BATCH_ID_NAMESPACE = '3b0f3c5e-2f0a-4f6e-9a59-7c1d2b8e4a10';
const NAMESPACE_BYTES = Buffer.from(ADAPTER_BATCH_ID_NAMESPACE.replace(/-/g, ''), 'hex');

/**
 * The batch id of a file published by an insurer adapter: UUIDv5 of `<insurer>:<sha256 hex>`, so the same file of the
 * same insurer always gets the same batch id, whichever adapter process (or restart) publishes it.
 */
export function adapterBatchId(insurer: string, sha256Hex: string): string {
  return uuidV5(`${insurer}:${sha256Hex.toLowerCase()}`, NAMESPACE_BYTES);
}

/**
 * The value of a message on `ajx.adapter-state.v1.<INSURER>` (compacted, key = file SHA-256 hex): how far the
 * insurer's adapter has published one file. Written in the same Kafka transaction as the raw records it accounts for,
 * so it is committed exactly when they are.
 */
export interface AdapterCheckpoint {
  insurer: string;
  /** SHA-256 of the whole file, lowercase hex (also the message key). */
  sha256: string;
  batchId: string;
  /** The file's name in the drop folder when publishing started (informational). */
  file: string;
  /** Records published so far: the next record to publish is `published + 1` (record indexes are 1-based). */
  published: number;
  /** Transactions committed for this file. */
  chunks: number;
  /** Every record of the file is published. */
  done: boolean;
  startedAt: string;
  updatedAt: string;
}

export class AdapterCheckpointFormatError extends Error {
  override readonly name = 'AdapterCheckpointFormatError';
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Validates a checkpoint read from the state topic; throws AdapterCheckpointFormatError when it is not one. */
export function parseAdapterCheckpoint(value: Buffer | string): AdapterCheckpoint {
  let v: unknown;
  try {
    v = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (err) {
    throw new AdapterCheckpointFormatError(`adapter checkpoint is not JSON: ${(err as Error).message}`);
  }
  const c = v as Partial<AdapterCheckpoint>;
  if (typeof c !== 'object' || c === null)
    throw new AdapterCheckpointFormatError('adapter checkpoint must be an object');
  if (typeof c.insurer !== 'string') throw new AdapterCheckpointFormatError('adapter checkpoint: insurer missing');
  if (typeof c.sha256 !== 'string' || !HEX64.test(c.sha256))
    throw new AdapterCheckpointFormatError('adapter checkpoint: sha256 must be 64 lowercase hex digits');
  if (typeof c.batchId !== 'string') throw new AdapterCheckpointFormatError('adapter checkpoint: batchId missing');
  if (!Number.isSafeInteger(c.published) || (c.published as number) < 0)
    throw new AdapterCheckpointFormatError('adapter checkpoint: published must be an integer ≥ 0');
  if (!Number.isSafeInteger(c.chunks) || (c.chunks as number) < 0)
    throw new AdapterCheckpointFormatError('adapter checkpoint: chunks must be an integer ≥ 0');
  if (typeof c.done !== 'boolean') throw new AdapterCheckpointFormatError('adapter checkpoint: done must be a boolean');
  return {
    insurer: c.insurer,
    sha256: c.sha256,
    batchId: c.batchId,
    file: typeof c.file === 'string' ? c.file : '',
    published: c.published as number,
    chunks: c.chunks as number,
    done: c.done,
    startedAt: typeof c.startedAt === 'string' ? c.startedAt : '',
    updatedAt: typeof c.updatedAt === 'string' ? c.updatedAt : '',
  };
}

/** The checkpoint's message on `ajx.adapter-state.v1.<INSURER>`: key = the file's SHA-256, value = the JSON. */
export function encodeAdapterCheckpointMessage(c: AdapterCheckpoint): EncodedMessage {
  return { key: c.sha256, value: JSON.stringify(c), headers: {} };
}

/** Inverse of {@link encodeAdapterCheckpointMessage}; throws AdapterCheckpointFormatError when it is not one. */
export function decodeAdapterCheckpointMessage(m: ReceivedMessage): AdapterCheckpoint {
  if (m.value === null) throw new AdapterCheckpointFormatError('adapter checkpoint message has no value');
  return parseAdapterCheckpoint(m.value);
}
