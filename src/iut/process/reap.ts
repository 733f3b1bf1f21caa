// Ends every process an implementation started, including those that left its process group
// (setsid) and were re-parented when their parent exited: each child gets a token in its
// environment, which its descendants inherit; ending a child kills its process group, walks
// the process tree down from it, and sweeps /proc for any process still carrying the token.
// Linux only (/proc); elsewhere the process-group kill is what remains.
import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** The environment variable that marks an implementation's processes. */
export const TOKEN_VAR = 'R2NET_IUT_TOKEN';

export const newToken = (): string => `${process.pid}-${randomBytes(6).toString('hex')}`;

function pids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return [];
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function carries(pid: number, token: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`${TOKEN_VAR}=${token}`);
  } catch {
    return false; // gone, or not ours to read
  }
}

/** `root` and its descendants by parent links, plus every process carrying `token`. */
export function processesOf(root: number | undefined, token: string): number[] {
  const all = pids().filter((p) => p !== process.pid);
  const children = new Map<number, number[]>();
  for (const p of all) {
    const pp = parentOf(p);
    if (pp !== undefined) children.set(pp, [...(children.get(pp) ?? []), p]);
  }
  const found = new Set<number>();
  const stack = root !== undefined ? [root] : [];
  while (stack.length) {
    const p = stack.pop()!;
    if (found.has(p)) continue;
    found.add(p);
    stack.push(...(children.get(p) ?? []));
  }
  for (const p of all) if (!found.has(p) && carries(p, token)) found.add(p);
  return [...found];
}

const kill = (pid: number, sig: NodeJS.Signals): void => {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
};

/** SIGKILLs the process group of `root`, its process tree and every process carrying `token`. */
export function killAll(root: number | undefined, token: string): void {
  const targets = processesOf(root, token); // before the kill: a killed parent's children are re-parented
  if (root !== undefined) kill(-root, 'SIGKILL');
  for (const p of targets) kill(p, 'SIGKILL');
}
