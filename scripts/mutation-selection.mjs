// What `npm run mutation` may mutate and where each selection's report goes: shared by
// scripts/mutation.ts (the command) and stryker.config.mjs (which Stryker loads as plain JS).
export const FOLDERS = ['codec', 'hw', 'drivers', 'kernel'];
/** A single file under one of the folders (src/hw/rtl8139.ts). */
export const FILE = new RegExp(`^src/(${FOLDERS.join("|")})/[\\w-]+\\.ts$`);
/**
 * Not the reference: src/hw/qemu/ and forwarded-memory.ts bridge to QEMU's and a served
 * implementation's hardware (test/qemu/, test/served/ drive them against the real thing); the
 * in-process properties never load them, so their mutants would be "no coverage" by design.
 */
export const NOT_REFERENCE = ['src/hw/qemu/**/*.ts', 'src/hw/forwarded-memory.ts'];
/**
 * Reference code behind no op of the contract, so no property can reach it: src/codec/tcp-frame.ts
 * (the one-call frame builder and parser the bench measures) is defined as the layered helpers
 * composed, and test/codec/tcp-frame.test.ts judges it against them. Its mutants would all be
 * "no coverage" here; `npx stryker run stryker.tcp-frame.config.mjs` runs them against that test.
 */
export const NOT_BEHIND_CONTRACT = ['src/codec/tcp-frame.ts'];

/** A report per selection, so a partial run never overwrites the full run's incremental results. */
export function reportFolder(selection) {
  if (FOLDERS.every((f) => selection.includes(f))) return 'reports/mutation';
  return `reports/mutation/${selection.map((f) => f.replace(/^src\//, '').replace(/\.ts$/, '').replace(/\//g, '-')).join('+')}`;
}
