// RTL8139 register map (I/O space offsets) and bit names, from the datasheet and spec-notes §6.
// Shared by the device model and the driver because both follow the same datasheet; tests
// assert the literal values of spec-notes §6 so a wrong constant here cannot hide.

/** Size of the RTL8139's I/O BAR window. */
export const RTL8139_IO_SIZE = 0x100;

export const REG = {
  IDR0: 0x00, // 6 bytes: station (MAC) address
  MAR0: 0x08, // 8 bytes: multicast hash filter
  TSD0: 0x10, // 4 × u32 transmit status, stride 4
  TSAD0: 0x20, // 4 × u32 transmit start address, stride 4
  RBSTART: 0x30, // u32 RX ring physical address
  CR: 0x37, // u8 command
  CAPR: 0x38, // u16 current address of packet read (driver's read pointer − 16)
  CBR: 0x3a, // u16 current buffer address (device's write offset)
  IMR: 0x3c, // u16 interrupt mask
  ISR: 0x3e, // u16 interrupt status, write 1 to clear
  TCR: 0x40, // u32 transmit configuration
  RCR: 0x44, // u32 receive configuration
  MPC: 0x4c, // u32 (24 bits used) missed packet counter
  CONFIG1: 0x52, // u8
} as const;

/** Number of TX descriptor register pairs the chip has (TSD0–3, TSAD0–3). */
export const HW_TX_DESCRIPTORS = 4;

/**
 * CONFIG1 bits 2 (IOMAP) and 3 (MEMMAP) are read-only and set: the datasheet has them report that
 * the operational registers are mapped in I/O and memory space; QEMU reads 0x0C after CONFIG1 <- 0.
 */
export const CONFIG1 = { MAPPED: 0x0c } as const;

export const CR = { RST: 0x10, RE: 0x08, TE: 0x04, BUFE: 0x01 } as const;
export const ISR = { ROK: 0x01, RER: 0x02, TOK: 0x04, TER: 0x08, RXOVW: 0x10 } as const;
export const RCR = {
  AAP: 0x01, // accept all physical (promiscuous)
  APM: 0x02, // accept physical match
  AM: 0x04, // accept multicast
  AB: 0x08, // accept broadcast
  WRAP: 0x80, // write a frame past the ring end instead of splitting it
  RBLEN_SHIFT: 11, // ring length = base << RBLEN (bits 11–12)
  RBLEN_MASK: 0x1800,
} as const;
export const TSD = { SIZE: 0x1fff, OWN: 0x2000, TUN: 0x4000, TOK: 0x8000 } as const;
/** Status word of the 4-byte header in front of each frame in the RX ring. */
export const RX_STATUS = { ROK: 0x0001, BAR: 0x2000, PAM: 0x4000, MAR: 0x8000 } as const;
/** Bytes of the RX ring header (status u16 + length u16) and of the trailing CRC. */
export const RX_HEADER_BYTES = 4;
export const CRC_BYTES = 4;

export const align4 = (n: number): number => (n + 3) & ~3;
