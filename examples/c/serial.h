/* 16550 UART at COM1 and the SLIP path over it (spec-notes §7). */
#ifndef SERIAL_H
#define SERIAL_H
#include <stddef.h>
#include <stdint.h>

#define SLIP_BUFFER_BYTES 4096u

void serial_init(void);
int serial_ready(void);
/* 0 and the byte, or -1 when nothing arrived within the bounded spin. */
int serial_read(uint8_t *byte);
/* 0, or -1 when THRE never came up within the bounded spin. */
int serial_write(uint8_t byte);

/* ipv4::send_packet: SLIP-encode and write byte by byte. The encoded size, -1 when the
 * encoding does not fit the SLIP buffer (nothing sent), -2 when a write gave up. */
long slip_send_packet(const uint8_t *datagram, size_t len);
/* The receive loop: drain the UART through the persistent decoder; `deliver` gets each datagram. */
void slip_receive(void (*deliver)(const uint8_t *d, size_t n, void *ctx), void *ctx);
void slip_reset(void);
extern unsigned long slip_received, slip_decode_errors;
#endif
