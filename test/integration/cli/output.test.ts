// What the CLI prints (src/cli/output.ts), in process, against a real registry.
import { describe, expect, inject, it } from 'vitest';
import { runInProcess, stageRepo } from '../../support/cli.js';

const regs = inject('registries');

describe('output', () => {
  it('colors only on a terminal, and never under NO_COLOR', async () => {
    const t = await stageRepo(regs.anonymous);
    const tty = await runInProcess(['merge', '--src', t.src, '--dest', t.dest, '--dry-run'], {
      tty: true,
    });
    expect(tty.stdout).toContain('\u001b[');
    const noColor = await runInProcess(['merge', '--src', t.src, '--dest', t.dest, '--dry-run'], {
      tty: true,
      env: { NO_COLOR: '1' },
    });
    expect(noColor.code).toBe(0);
    expect(noColor.stdout + noColor.stderr).not.toContain('\u001b[');
  });
});
