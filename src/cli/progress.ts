import type { CliWritable } from './io.js';

/**
 * A one-line progress bar on a terminal's stderr: `[#####-----] 12/40  src -> dest`.
 * Redrawn in place with `\r`; `done()` clears it.
 */
export class ProgressBar {
  #shown = false;

  constructor(private readonly stream: CliWritable) {}

  /** Draws the bar for `done` of `total`, with a label (the current job). */
  update(done: number, total: number, label = ''): void {
    const columns = this.stream.columns ?? 80;
    const width = 24;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const head = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
    const room = Math.max(0, columns - head.length - 3);
    const tail = label.length > room ? `${label.slice(0, Math.max(0, room - 1))}…` : label;
    this.stream.write(`\r\u001b[2K${head}${tail ? `  ${tail}` : ''}`);
    this.#shown = true;
  }

  /** Clears the bar (so later lines start clean). */
  done(): void {
    if (this.#shown) this.stream.write('\r\u001b[2K');
    this.#shown = false;
  }
}
