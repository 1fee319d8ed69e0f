/** Batches this browser uploaded (the API reports a batch by id; the list is kept locally, newest first). */
const KEY = 'ajx-console-batches';

export interface KnownBatch {
  batchId: string;
  file: string;
  at: string;
}

export function knownBatches(): KnownBatch[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '[]') as KnownBatch[];
  } catch {
    return [];
  }
}

export function rememberBatch(batchId: string, file: string): void {
  const list = [
    { batchId, file, at: new Date().toISOString() },
    ...knownBatches().filter((b) => b.batchId !== batchId),
  ];
  localStorage.setItem(KEY, JSON.stringify(list.slice(0, 50)));
}
