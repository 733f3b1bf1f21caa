// The commands of the model-based kernel runs, one file per command family. Each one appends its
// ops (plan mode) or takes their results (check mode), updates the model, and compares what the
// implementation answered with what the clauses require. This file re-exports what others use.
export { C, describeFrame, diff, documented, fmtExpect, showRegistry } from './clauses.ts';
export { boot, CountersCmd, SpawnCmd } from './boot-spawn.ts';
export { BindCmd, checkRegistry, checkState, NetStatusCmd, RegisterCmd, SnapshotCmd } from './registry.ts';
export { InjectCmd, TickCmd } from './tick.ts';
export { ReceiveCmd } from './receive.ts';
export { IpcSendCmd } from './ipc.ts';
export { SendIpv4Cmd, SendRawCmd } from './send.ts';
export { BadCmd, type BadKind } from './bad.ts';
export { CP, PortReadCmd, PortWriteCmd, SerialCallCmd, SerialFeedCmd, portPointerArb } from './portio.ts';
export { BusyTickCmd, declaresLifetimes, LifeSpawnCmd, LifetimeCmd, lifetimeArb, ProcessesCmd, type LifeMix } from './lifetimes.ts';
export { addressArb, commandArb, PORTS, type CommandOptions, type Mix } from './arb.ts';
