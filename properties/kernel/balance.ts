// Sums of the accounting parts against their totals, for the kernel tests and scripts/soak.ts:
// the kernel itself never reads them (the accounting property checks each part against its model).
import { FRAME_PARTS, IPC_PARTS, type FrameAccounting, type IpcAccounting } from '../../src/kernel/ledger-records.ts';

export function frameBalance(a: FrameAccounting): { total: number; parts: number; balanced: boolean } {
  const total = a.injected + a.looped;
  const parts = FRAME_PARTS.reduce((n, k) => n + a[k], 0);
  return { total, parts, balanced: total === parts };
}

export function ipcBalance(a: IpcAccounting): { total: number; parts: number; balanced: boolean } {
  const parts = IPC_PARTS.reduce((n, k) => n + a[k], 0);
  return { total: a.sent, parts, balanced: a.sent === parts };
}
