// The kernel layer of the reference: what the IUT contract and the properties import.
export { createMachine } from './machine.ts';
export type { Machine, MachineOptions } from './machine.ts';
export { createKernel } from './kernel.ts';
export { referenceComponents } from './kernel.ts';
export type { Kernel, KernelComponents, KernelOptions, KernelSnapshot, ProcessSnapshot, SyscallOutcome } from './kernel.ts';
export { RC, SYS, BUILD, SEND, NET_FRAME_BUF_ADDR, IPC_MSG_BUF_ADDR } from './constants.ts';
export { FRAME_PARTS, IPC_PARTS, HAZARD_KINDS, frameBalance, ipcBalance, hazardClause } from './ledger.ts';
export type { FrameAccounting, IpcAccounting, HazardKind, HazardEvent, SilentLossCause, KernelEvent, KernelEventBody, LedgerSnapshot } from './ledger.ts';
export { tcpDestPort } from './netdrv.ts';
export { FIRST_PID } from './scheduler.ts';
export type { TickRecord, PollRecord } from './scheduler.ts';
export { ICMP_BUILD_BYTES, TCP_REQUEST } from './packet-build.ts';
export type { Message } from './queue.ts';
