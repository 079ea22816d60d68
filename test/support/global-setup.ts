// Global setup: three shared registries (anonymous, htpasswd basic auth, token auth with our
// token issuer), started in parallel and handed to tests through `inject('registries')`.
// Runs in vitest's main process: tests cannot read the issuer's counters or set faults here;
// they start their own registry for that (see test/support/README.md).
import type { TestProject } from 'vitest/node';
import {
  isDockerRegistryInstalled,
  MISSING_REGISTRY_MESSAGE,
  startRegistry,
  type TestRegistry,
} from './registry.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!isDockerRegistryInstalled()) {
    // One line, no stack: the message says all there is to do.
    const err = new Error(MISSING_REGISTRY_MESSAGE);
    err.stack = MISSING_REGISTRY_MESSAGE;
    throw err;
  }
  const started = await Promise.allSettled([
    startRegistry({ kind: 'anonymous' }),
    startRegistry({ kind: 'basic' }),
    startRegistry({ kind: 'token' }),
  ]);
  const regs = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const teardown = async (): Promise<void> => {
    await Promise.all(regs.map((r) => r.stop()));
  };
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await teardown();
    throw failed.reason;
  }
  const [anonymous, basic, token] = regs as [TestRegistry, TestRegistry, TestRegistry];
  project.provide('registries', {
    anonymous: anonymous.info(),
    basic: basic.info(),
    token: token.info(),
  });
  return teardown;
}
