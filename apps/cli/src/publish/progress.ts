/** Upload progress on stderr: a redrawn bar on a terminal, a plain line per 10 % otherwise (logs, CI). */
export class Progress {
  private lastDecile = -1;

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly tty = Boolean(process.stderr.isTTY),
  ) {}

  update(done: number, label = 'uploaded'): void {
    const ratio = this.total === 0 ? 1 : Math.min(1, done / this.total);
    const mib = (n: number) => (n / 1048576).toFixed(1);
    if (this.tty) {
      const width = 30;
      const filled = Math.round(ratio * width);
      this.out.write(
        `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ` +
          `${mib(done)}/${mib(this.total)} MiB ${label}`,
      );
      if (ratio === 1) this.out.write('\n');
      return;
    }
    const decile = Math.floor(ratio * 10);
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      this.out.write(`${label} ${mib(done)}/${mib(this.total)} MiB (${decile * 10}%)\n`);
    }
  }
}
