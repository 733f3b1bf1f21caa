import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** Repository root, found from this file's location so the CLI works from any cwd. */
export const rootDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const specDir = join(rootDir, 'spec');
export const reportsDir = join(rootDir, 'reports');
