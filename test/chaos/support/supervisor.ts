import fs from 'node:fs';
import path from 'node:path';
import type { CommonConfig } from '@ajx/config';
import { type ChildService, spawnService } from '@ajx/testing';

export interface ExitRecord {
  at: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Killed by the chaos schedule (SIGKILL), as opposed to exiting by itself. */
  killed: boolean;
  /** Last lines of its output, for exits the service chose. */
  tail: string;
}

/**
 * One service run the way systemd (`Restart=always`) or Kubernetes would: whenever the process ends — killed by the
 * schedule, or exiting by itself on an infrastructure outage — it is started again after a short, growing delay.
 * Records every exit, so the report can tell which services ride out an outage and which exit and come back.
 */
export class SupervisedService {
  current: ChildService | null = null;
  readonly exits: ExitRecord[] = [];
  starts = 0;
  private stopping = false;
  private killing = false;
  private restartDelayMs = 500;
  private loop: Promise<void> | null = null;

  constructor(
    readonly name: string,
    private readonly app: string,
    private readonly config: CommonConfig,
    private readonly env: Record<string, string>,
    readonly port: number,
    private readonly pidFile: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get kills(): number {
    return this.exits.filter((e) => e.killed).length;
  }

  get selfExits(): ExitRecord[] {
    return this.exits.filter((e) => !e.killed);
  }

  start(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const child = spawnService(this.app, this.config, { env: this.env });
      this.current = child;
      this.starts++;
      fs.appendFileSync(this.pidFile, `${child.pid}\n`);
      const startedAt = Date.now();
      const { code, signal } = await child.exited;
      const killed = this.killing;
      this.killing = false;
      if (this.stopping) return;
      this.exits.push({
        at: Date.now(),
        code,
        signal,
        killed,
        tail: killed
          ? ''
          : child
              .output()
              .split('\n')
              .filter((l) => l.trim() && !/^\s+at /.test(l))
              .slice(-3)
              .join('\n')
              .slice(-1500),
      });
      // A process that ran a while starts again promptly; one that keeps failing backs off (up to 5 s).
      this.restartDelayMs = Date.now() - startedAt > 10000 || killed ? 300 : Math.min(5000, this.restartDelayMs * 2);
      await new Promise((r) => setTimeout(r, this.restartDelayMs));
    }
  }

  /** kill -9, as the chaos schedule does; the supervisor loop starts it again. */
  async kill9(): Promise<void> {
    // Between a death and its restart there is nothing to kill: wait for the next process.
    const running = (c: ChildService | null): c is ChildService =>
      c !== null && c.child.exitCode === null && c.child.signalCode === null;
    for (let i = 0; i < 200 && !running(this.current); i++) await new Promise((r) => setTimeout(r, 100));
    const c = this.current;
    if (!running(c)) return;
    this.killing = true;
    c.child.kill('SIGKILL');
    await c.exited;
  }

  async ready(timeoutMs = 120000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        if ((await fetch(`${this.url}/health/ready`)).status === 200) return;
      } catch {
        // not up yet
      }
      // A refused configuration does not heal by restarting: say so now, not after the whole timeout.
      const output = this.current?.output() ?? '';
      if (output.includes('invalid configuration'))
        throw new Error(`${this.name} refuses its configuration:\n${output.slice(-3000)}`);
      if (Date.now() > deadline)
        throw new Error(`${this.name} not ready in time:\n${this.current?.output().slice(-3000) ?? ''}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const c = this.current;
    if (c) {
      const timer = setTimeout(() => c.child.kill('SIGKILL'), 15000);
      await c.kill('SIGTERM');
      clearTimeout(timer);
    }
    await this.loop;
  }
}

export function servicePidFile(dir: string): string {
  return path.join(dir, 'services.pids');
}
