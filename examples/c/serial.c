/* 16550 UART driver and SLIP (RFC 1055) over it, written from spec-notes §7 and the slip/serial
 * clauses (spec/clauses/slip.json, serial.json). Port access only through port.h. */
#include "serial.h"

#include "port.h"

#define COM1 0x3F8
#define THR 0 /* and RBR, DLL */
#define IER 1 /* and DLM */
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define LSR_DR 0x01
#define LSR_THRE 0x20

/* Polls of LSR before read/write give up (a wedged UART must not hang the driver). */
#define SPIN_LIMIT 1000

#define END 0xC0
#define ESC 0xDB
#define ESC_END 0xDC
#define ESC_ESC 0xDD

void serial_init(void) {
  outb(COM1 + IER, 0x00);
  outb(COM1 + LCR, 0x80); /* DLAB: the divisor latch */
  outb(COM1 + THR, 3);    /* DLL: 115200 / 3 = 38400 baud */
  outb(COM1 + IER, 0);    /* DLM */
  outb(COM1 + LCR, 0x03); /* 8N1, DLAB off */
  outb(COM1 + FCR, 0xC7); /* FIFOs on, cleared, 14-byte trigger */
  outb(COM1 + MCR, 0x0B); /* DTR | RTS | OUT2 */
}

int serial_ready(void) { return (inb(COM1 + LSR) & LSR_DR) != 0; }

int serial_read(uint8_t *byte) {
  for (int n = 0; n < SPIN_LIMIT; n++)
    if (serial_ready()) {
      *byte = inb(COM1 + THR);
      return 0;
    }
  return -1;
}

int serial_write(uint8_t byte) {
  for (int n = 0; n < SPIN_LIMIT; n++)
    if (inb(COM1 + LSR) & LSR_THRE) {
      outb(COM1 + THR, byte);
      return 0;
    }
  return -1;
}

long slip_send_packet(const uint8_t *d, size_t len) {
  static uint8_t enc[SLIP_BUFFER_BYTES];
  size_t n = 0;
#define PUT(b)                               \
  do {                                       \
    if (n == SLIP_BUFFER_BYTES) return -1;   \
    enc[n++] = (b);                          \
  } while (0)
  PUT(END); /* flushes line noise */
  for (size_t i = 0; i < len; i++) {
#ifdef WRONG_SLIP_ESCAPE
    if (d[i] == END) { PUT(ESC); PUT(ESC_ESC); } /* wrong on purpose: END escaped as ESC ESC_ESC */
#else
    if (d[i] == END) { PUT(ESC); PUT(ESC_END); }
#endif
    else if (d[i] == ESC) { PUT(ESC); PUT(ESC_ESC); }
    else PUT(d[i]);
  }
  PUT(END);
#undef PUT
  for (size_t i = 0; i < n; i++)
    if (serial_write(enc[i]) != 0) return -2;
  return (long)n;
}

/* The persistent receive decoder. */
static uint8_t frame[SLIP_BUFFER_BYTES];
static size_t pending;
static int escaped, discarding;
unsigned long slip_received, slip_decode_errors;

void slip_reset(void) {
  pending = 0;
  escaped = discarding = 0;
}

/* A frame that went wrong: counted, dropped, and bytes skipped up to the next END. */
static void decode_error(int resync_now) {
  slip_decode_errors++;
  pending = 0;
  discarding = !resync_now;
}

static void keep(uint8_t b) {
  if (pending == SLIP_BUFFER_BYTES) decode_error(0); /* too large */
  else frame[pending++] = b;
}

void slip_receive(void (*deliver)(const uint8_t *d, size_t n, void *ctx), void *ctx) {
  uint8_t b;
  while (serial_ready()) {
    if (serial_read(&b) != 0) break;
    if (discarding) {
      if (b == END) discarding = 0;
      continue;
    }
    if (escaped) {
      escaped = 0;
      if (b == ESC_END) keep(END);
      else if (b == ESC_ESC) keep(ESC);
      else decode_error(b == END); /* ESC END: that END is the resynchronisation point */
      continue;
    }
    if (b == END) {
      if (pending > 0) {
        slip_received++;
        deliver(frame, pending, ctx);
        pending = 0;
      }
    } else if (b == ESC) {
      escaped = 1;
    } else {
      keep(b);
    }
  }
}
