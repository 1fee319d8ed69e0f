/** A minimal server-sent-events client for tests (fetch + a line parser). */
export interface SseEvent {
  id: string | null;
  data: string;
}

export interface SseConnection {
  status: number;
  headers: Headers;
  /** The next event (comments and `retry:` lines are skipped); rejects when the stream ends first. */
  next(timeoutMs?: number): Promise<SseEvent>;
  /** Raw comment lines received so far (heartbeats). */
  comments: string[];
  close(): void;
}

export async function openSse(url: string, token: string, opts: { lastEventId?: string } = {}): Promise<SseConnection> {
  const abort = new AbortController();
  const res = await fetch(url, {
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'text/event-stream',
      ...(opts.lastEventId ? { 'last-event-id': opts.lastEventId } : {}),
    },
    signal: abort.signal,
  });
  const queue: SseEvent[] = [];
  const comments: string[] = [];
  const wake: { fn: (() => void) | null } = { fn: null };
  let ended = false;
  let buffer = '';
  let id: string | null = null;
  let data: string[] = [];
  const onLine = (line: string) => {
    if (line === '') {
      if (data.length) queue.push({ id, data: data.join('\n') });
      data = [];
      return;
    }
    if (line.startsWith(':')) comments.push(line);
    else if (line.startsWith('id:')) id = line.slice(3).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  };
  if (res.body && res.status === 200) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let i: number;
          while ((i = buffer.indexOf('\n')) >= 0) {
            onLine(buffer.slice(0, i).replace(/\r$/, ''));
            buffer = buffer.slice(i + 1);
          }
          wake.fn?.();
        }
      } catch {
        // aborted
      } finally {
        ended = true;
        wake.fn?.();
      }
    })();
  } else {
    ended = true;
  }
  return {
    status: res.status,
    headers: res.headers,
    comments,
    close: () => abort.abort(),
    async next(timeoutMs = 20000) {
      const deadline = Date.now() + timeoutMs;
      while (!queue.length) {
        if (ended) throw new Error('stream ended');
        if (Date.now() > deadline) throw new Error('no event in time');
        await new Promise<void>((resolve) => {
          wake.fn = resolve;
          setTimeout(resolve, 200);
        });
        wake.fn = null;
      }
      return queue.shift()!;
    },
  };
}
