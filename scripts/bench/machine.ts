// What the benchmark ran on.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memory: string;
  os: string;
  node: string;
  registry: string;
}

function cpuModel(): string {
  const fromNode = os.cpus()[0]?.model?.trim();
  try {
    // /proc/cpuinfo sometimes names the CPU more fully than os.cpus().
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    const fromProc = line?.split(':')[1]?.trim();
    if (fromProc && fromProc.length > (fromNode?.length ?? 0)) return fromProc;
  } catch {
    // not Linux
  }
  return fromNode || 'unknown';
}

function registryVersion(): string {
  try {
    return execFileSync('docker-registry', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export function describeMachine(): Machine {
  return {
    cpu: cpuModel(),
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    registry: registryVersion(),
  };
}
