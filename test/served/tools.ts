// Where an external build tool is, looking in PATH and where the CI machines install it
// (cargo lives in /root/.cargo/bin, which a non-login PATH may lack).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), join(homedir(), '.cargo/bin'), '/root/.cargo/bin', '/usr/bin', '/usr/local/bin'];
  for (const d of dirs) if (d && existsSync(join(d, name))) return join(d, name);
  return undefined;
}

