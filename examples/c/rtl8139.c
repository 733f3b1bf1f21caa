/* RTL8139 driver, written from spec-notes §6 (the documented driver view and the device's
 * behaviour). It touches the chip only through port.h: in/out and virt_to_phys. */
#include "rtl8139.h"

#include <string.h>

#include "port.h"

/* Registers (offsets from the I/O base). */
#define IDR0 0x00
#define TSD0 0x10
#define TSAD0 0x20
#define RBSTART 0x30
#define CR 0x37
#define CAPR 0x38
#define CBR 0x3A
#define IMR 0x3C
#define ISR 0x3E
#define RCR 0x44
#define CONFIG1 0x52

#define CR_RST 0x10
#define CR_RE 0x08
#define CR_TE 0x04
#define ISR_ROK 0x01
#define ISR_TOK 0x04
#define RCR_ACCEPT_ALL 0x0F /* AAP | APM | AM | AB */
#define RCR_WRAP 0x80

#define PCI_ADDRESS 0xCF8
#define PCI_DATA 0xCFC
#define PCI_VENDOR_DEVICE 0x813910ECu /* device 0x8139, vendor 0x10EC */
#define PCI_COMMAND 0x04
#define PCI_BAR0 0x10
#define PCI_BUS_MASTER 0x0004
#define IO_FALLBACK 0xC000

/* A real chip leaves reset in a few polls; a missing one would hang us: give up after this. */
#define RESET_POLLS 100000

uint8_t RX_BUFFER[RX_ALLOC_BYTES];
uint8_t TX_BUFFERS[TX_DESCRIPTORS][TX_BUFFER_BYTES];
uint32_t RX_OFFSET;
uint32_t TX_INDEX;
static uint16_t io;
static int have_io;

void rtl8139_reset_state(void) {
  RX_OFFSET = 0;
  TX_INDEX = 0;
  io = 0;
  have_io = 0;
}

int rtl8139_initialised(void) { return have_io; }

static uint32_t pci_address(unsigned bus, unsigned dev, unsigned fn, unsigned off) {
  return 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (off & 0xFC);
}

static uint32_t pci_read(unsigned bus, unsigned dev, unsigned fn, unsigned off) {
  outl(PCI_ADDRESS, pci_address(bus, dev, fn, off));
  return inl(PCI_DATA);
}

/* Scans 256 buses x 32 devices x 8 functions; sets *found when the card answered. */
static uint16_t find_io_base(int *found, unsigned loc[3]) {
  for (unsigned bus = 0; bus < 256; bus++)
    for (unsigned dev = 0; dev < 32; dev++)
      for (unsigned fn = 0; fn < 8; fn++) {
        if (pci_read(bus, dev, fn, 0) != PCI_VENDOR_DEVICE) continue;
        uint32_t bar0 = pci_read(bus, dev, fn, PCI_BAR0);
        if (!(bar0 & 1)) continue; /* not an I/O BAR */
        *found = 1;
        loc[0] = bus, loc[1] = dev, loc[2] = fn;
        return (uint16_t)(bar0 & 0xFFFC);
      }
  *found = 0;
  return IO_FALLBACK;
}

int rtl8139_init(uint16_t *io_base) {
  int found;
  unsigned loc[3];
  uint16_t base = find_io_base(&found, loc);
  if (found) {
    /* Bus mastering: set bit 2 of the command word, keep the rest (I/O decoding). Only the
     * 16-bit command register is written: the status half clears bits written as 1. */
    uint32_t cmd = pci_read(loc[0], loc[1], loc[2], PCI_COMMAND);
    outl(PCI_ADDRESS, pci_address(loc[0], loc[1], loc[2], PCI_COMMAND));
    outw(PCI_DATA, (uint16_t)((cmd & 0xFFFF) | PCI_BUS_MASTER));
  }
  outb(base + CONFIG1, 0x00);
  outb(base + CR, CR_RST);
  int polls = 0;
  while (inb(base + CR) & CR_RST)
    if (++polls >= RESET_POLLS) return RTL_ERR_RESET;
  outl(base + RBSTART, virt_to_phys(RX_BUFFER));
  outb(base + CR, CR_RE | CR_TE);
  outl(base + RCR, RCR_ACCEPT_ALL | RCR_WRAP);
  outw(base + IMR, ISR_ROK | ISR_TOK);
  /* The chip restarted its ring and TX pointer at 0 on reset: so do we. */
  RX_OFFSET = 0;
  TX_INDEX = 0;
  io = base;
  have_io = 1;
  *io_base = base;
  return RTL_OK;
}

void rtl8139_read_mac(uint8_t mac[6]) {
  memset(mac, 0, 6);
  if (!have_io) return;
  for (int i = 0; i < 6; i++) mac[i] = inb(io + IDR0 + i);
}

static uint32_t align4(uint32_t x) { return (x + 3) & ~3u; }

size_t rtl8139_receive_frame(uint8_t *buf, size_t cap) {
  if (!have_io) return 0;
  uint16_t capr = inw(io + CAPR), cbr = inw(io + CBR);
  if ((uint16_t)(capr + 16) == cbr) return 0; /* empty */
  outw(io + ISR, ISR_ROK);                    /* acknowledge: write 1 to clear */
  const uint8_t *hdr = RX_BUFFER + (RX_OFFSET % RX_RING_BYTES);
  uint32_t length = (uint32_t)hdr[2] | (uint32_t)hdr[3] << 8; /* frame + 4 CRC bytes */
  /* The frame is delivered with its CRC (spec-notes §6): the 14-byte minimum and the caller's
   * buffer are compared with that copied length. */
  int keep = length >= MIN_RX_FRAME && length <= cap;
  /* Copy before CAPR moves (nic.rx.copy-before-capr): the CAPR write hands the bytes back to the
   * chip, which may write a frame it held over them at once. WRAP is set: the frame is contiguous
   * even past the ring end (in the guard), and a frame longer than the guard runs on into the
   * physical memory after RX_BUFFER. */
  if (keep) {
    size_t inside = RX_ALLOC_BYTES - (size_t)(hdr + 4 - RX_BUFFER);
    if (length <= inside) {
      memcpy(buf, hdr + 4, length);
    } else {
      memcpy(buf, hdr + 4, inside);
      phys_read(virt_to_phys(RX_BUFFER) + RX_ALLOC_BYTES, buf + inside, length - inside);
    }
  }
  /* A dropped frame is consumed too, or the ring would stall on it. */
  RX_OFFSET = align4(RX_OFFSET + length + 4) % RX_RING_BYTES;
#ifdef WRONG_CAPR
  outw(io + CAPR, (uint16_t)RX_OFFSET); /* wrong on purpose: CAPR without the -16 */
#else
  outw(io + CAPR, (uint16_t)(RX_OFFSET - 16));
#endif
  return keep ? length : 0;
}

int rtl8139_send_frame(const uint8_t *data, size_t len, unsigned *descriptor, size_t *send_len) {
  if (!have_io) return RTL_ERR_NOT_INIT;
  size_t n = len < MIN_TX_FRAME ? MIN_TX_FRAME : len;
  if (n > TX_BUFFER_BYTES) return RTL_ERR_TOO_LARGE;
  unsigned i = TX_INDEX;
  memcpy(TX_BUFFERS[i], data, len);
  memset(TX_BUFFERS[i] + len, 0, n - len); /* zero-pad: the buffer may hold an older frame */
  outl(io + TSAD0 + 4 * i, virt_to_phys(TX_BUFFERS[i]));
  outl(io + TSD0 + 4 * i, (uint32_t)n); /* starts the transmission; no completion poll */
#ifdef WRONG_TX_INDEX
  TX_INDEX = i; /* wrong on purpose: the index never advances */
#else
  TX_INDEX = (i + 1) % TX_DESCRIPTORS;
#endif
  *descriptor = i;
  *send_len = n;
  return RTL_OK;
}
