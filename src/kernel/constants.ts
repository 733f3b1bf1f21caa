// Fixed facts of the kernel ABI that are not profile limits: syscall numbers, return codes
// (spec-notes §1, §3) and the kernel addresses that Messages carry in buf_addr. Sizes and
// counts live in the Profile, never here.

/** Syscall return codes [r2-doc]. 0x35 returns a length instead when it copies a message. */
export const RC = {
  Okay: 0x00,
  NotImplemented: 0xfb,
  InvalidInput: 0xfc,
  FilesystemError: 0xfd,
  FileNotFound: 0xfe,
  InvalidSyscall: 0xff,
} as const;
export type ReturnCode = (typeof RC)[keyof typeof RC];

/** The network syscalls this layer implements (spec-notes §3). */
export const SYS = {
  CreatePacket: 0x33,
  SendPacket: 0x34,
  Receive: 0x35,
  IpcSend: 0x36,
  Register: 0x37,
  NetStatus: 0x38,
} as const;

/** Userland port I/O and COM1 (spec-notes §10). */
export const PORT_SYS = { PortWrite: 0x30, PortRead: 0x31, Serial: 0x32 } as const;
/** 0x32 arg1: what to do with COM1. */
export const SERIAL_OP = { Init: 0x01, Read: 0x02, Write: 0x03 } as const;

/** 0x33 arg1: what to build in place. */
export const BUILD = { Ipv4: 0x01, Icmp: 0x02, Tcp: 0x03 } as const;
/** 0x34 arg1: what the buffer holds. */
export const SEND = { Ipv4: 0x01, RawEthernet: 0x04 } as const;

/**
 * Kernel-space addresses of the two shared kernel buffers. A Message's buf_addr holds one of
 * them; 0x35 resolves it back to the buffer. Chosen below the userland window (0x600000), so a
 * kernel address can never pass the pointer check — as in r2, where both are kernel statics.
 */
export const NET_FRAME_BUF_ADDR = 0x0020_0000;
export const IPC_MSG_BUF_ADDR = 0x0020_1000;

/** Largest length any header field the kernel trusts can express (a u16 length field). */
export const MAX_U16_LENGTH = 0xffff;
