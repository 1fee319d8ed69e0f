import type { Request, Response } from 'express';

/**
 * Writes a server-sent event stream to the client: the headers, then each chunk the stream produces, pulling the next
 * one only when the client took the last (backpressure); closes the stream when the client goes away, and ends the
 * response when the stream ends.
 */
export async function writeEventStream(
  req: Request,
  res: Response,
  events: AsyncIterable<string> & { close(): void },
): Promise<void> {
  req.on('close', () => events.close());
  res.on('close', () => events.close());
  res.status(200);
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache, no-transform');
  res.setHeader('connection', 'keep-alive');
  res.setHeader('x-accel-buffering', 'no');
  res.flushHeaders();
  try {
    for await (const chunk of events) {
      if (!res.write(chunk)) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
    }
  } finally {
    if (!res.writableEnded) res.end();
  }
}
