import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A round-robin TCP splitter in front of several instances of a service (the load balancer of a real deployment):
 * each new client connection goes to the next backend; one that refuses the connection (killed, restarting) is
 * skipped for the next. Counts the connections each backend took.
 */
export class RoundRobinSplitter {
  private server!: net.Server;
  private next = 0;
  port = 0;
  readonly connections: number[];
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly backends: () => number[]) {
    this.connections = backends().map(() => 0);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = net.createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.pause();
      this.connect(client, this.backends().length);
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  private connect(client: net.Socket, triesLeft: number): void {
    const ports = this.backends();
    const i = this.next++ % ports.length;
    const upstream = net.connect(ports[i], '127.0.0.1');
    this.sockets.add(upstream);
    upstream.on('close', () => this.sockets.delete(upstream));
    upstream.once('connect', () => {
      this.connections[i]++;
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
      client.resume();
    });
    upstream.once('error', () => {
      if (upstream.readyState !== 'opening' && upstream.bytesWritten > 0) return;
      if (triesLeft > 1) this.connect(client, triesLeft - 1);
      else client.destroy();
    });
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
