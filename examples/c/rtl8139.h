/* RTL8139 driver (spec-notes §6): PCI discovery, init, polled RX ring, round-robin TX. */
#ifndef RTL8139_H
#define RTL8139_H
#include <stddef.h>
#include <stdint.h>

#define RX_RING_BYTES 8192u
#define RX_ALLOC_BYTES (8192u + 16u + 1500u) /* ring + 16 + the overrun guard WRAP writes into */
#define TX_DESCRIPTORS 4u
#define TX_BUFFER_BYTES 2048u
#define MIN_TX_FRAME 60u
#define MIN_RX_FRAME 14u

extern uint8_t RX_BUFFER[RX_ALLOC_BYTES];
extern uint8_t TX_BUFFERS[TX_DESCRIPTORS][TX_BUFFER_BYTES];
extern uint32_t RX_OFFSET;
extern uint32_t TX_INDEX;

enum { RTL_OK = 0, RTL_ERR_RESET = -1, RTL_ERR_TOO_LARGE = -2, RTL_ERR_NOT_INIT = -3 };

/* Resets the driver's statics (a fresh kernel image). */
void rtl8139_reset_state(void);
/* 0 and *io_base, or RTL_ERR_RESET when CR.RST never clears. */
int rtl8139_init(uint16_t *io_base);
int rtl8139_initialised(void);
void rtl8139_read_mac(uint8_t mac[6]);
/* The delivered length (header length: frame + 4 CRC bytes), 0 when empty or dropped. */
size_t rtl8139_receive_frame(uint8_t *buf, size_t cap);
/* RTL_OK with the descriptor used and the length sent, or an RTL_ERR_*. */
int rtl8139_send_frame(const uint8_t *data, size_t len, unsigned *descriptor, size_t *send_len);
#endif
