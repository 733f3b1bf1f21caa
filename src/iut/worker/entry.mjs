// The worker thread an in-process module runs in (src/iut/worker/adapter.ts). Plain JS: a worker
// does not inherit the main thread's tsx hooks, so the TypeScript host is loaded through tsx.
import { tsImport } from 'tsx/esm/api';

const { runHost } = await tsImport('./host.ts', import.meta.url);
await runHost();
