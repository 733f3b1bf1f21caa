// The options of the out-of-process adapter (adapter.ts) and the default request timeout.
import type { ServedDevices } from '../served/executors.ts';

export interface ProcessOptions {
  /** Per-request timeout in ms, hello included (default 10 000). */
  timeoutMs?: number;
  /** How many of the last stderr lines are kept and attached to errors (default 20). */
  stderrLines?: number;
  /** How long the child may take to exit after shutdown before it is killed (default 1 000 ms). */
  shutdownGraceMs?: number;
  /** Largest stdout line accepted, in bytes (default 64 MiB). */
  maxLineBytes?: number;
  /** Consecutive failed starts after which the adapter gives up (default 3). */
  maxFailedStarts?: number;
  /** 'json': do not offer CBOR frames in hello (JSON lines whatever the implementation can do); default: offer them. */
  framing?: 'json' | 'cbor';
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Sees every stderr line as it arrives (e.g. to pass it through). */
  onStderr?(line: string): void;
  /** Protocol 2: hardware requests allowed per op (default: the profile's servedRequestsPerOp). */
  servedRequestsPerOp?: number;
  /** Protocol 2: the devices served nic and serial scenarios run on (default r2net's models; QEMU's with --hardware qemu). */
  servedDevices?: ServedDevices;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
