/** The part of an ioredis client (a BullMQ queue's `client`) that says when its connection is lost and back. */
interface ConnectionEvents {
  on(event: 'close' | 'ready', listener: () => void): unknown;
}

/**
 * Calls `again` each time the connection is ready after having been lost — not on the first connection. Redis may
 * come back without its data (a restart without persistence, a failover to an empty replica), so whatever a service
 * keeps in it, such as BullMQ job schedulers, is installed again.
 */
export function onReconnect(client: ConnectionEvents, again: () => void): void {
  let connected = true;
  client.on('close', () => (connected = false));
  client.on('ready', () => {
    if (connected) return;
    connected = true;
    again();
  });
}
