/* r2net-c-driver: our RTL8139 driver and 16550 + SLIP path (rtl8139.c, serial.c) under test
 * over r2net's served hardware. This file maps the contract's ops (spec/contract/README.md,
 * layers nic and serial) onto driver calls; the drivers know nothing of r2net. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../../clients/c/r2net.h"
#include "rtl8139.h"
#include "serial.h"

#define RX_CALLER_BUFFER 2048 /* receive_frame's caller buffer (NET_FRAME_BUF) by default */

static void reset(const char *layer, void *user) {
  (void)user;
  if (strcmp(layer, "nic") == 0) rtl8139_reset_state();
  else {
    slip_reset();
    slip_received = slip_decode_errors = 0;
  }
}

static void nic_op(const char *name, const r2_op *op, r2_result *res) {
  if (strcmp(name, "init") == 0) {
    uint16_t base;
    if (rtl8139_init(&base) != RTL_OK) { r2_fail(res, "device", "rtl8139.init", "software reset did not complete (CR.RST still set)"); return; }
    int64_t tx[TX_DESCRIPTORS];
    for (unsigned i = 0; i < TX_DESCRIPTORS; i++) tx[i] = r2_phys(TX_BUFFERS[i]);
    r2_ok(res);
    r2_put_int(res, "ioBase", base);
    r2_put_int(res, "rxBuffer", r2_phys(RX_BUFFER));
    r2_put_ints(res, "txBuffers", tx, TX_DESCRIPTORS);
  } else if (strcmp(name, "read-mac") == 0) {
    uint8_t mac[6];
    rtl8139_read_mac(mac);
    r2_ok(res);
    r2_put_hex(res, "mac", mac, 6);
  } else if (strcmp(name, "poll") == 0) {
    int64_t cap = RX_CALLER_BUFFER;
    if (r2_arg_has(op, "buffer") && !r2_arg_int(op, "buffer", 0, 0x10000, &cap)) { r2_fail(res, "invalid-argument", "poll", "'buffer' must be an integer in 0..65536"); return; }
    static uint8_t buf[0x10000];
    size_t n = rtl8139_receive_frame(buf, (size_t)cap);
    r2_ok(res);
    r2_put_int(res, "length", (int64_t)n);
    r2_put_hex(res, "frame", buf, n);
  } else if (strcmp(name, "send") == 0) {
    size_t have;
    const uint8_t *frame = r2_arg_bytes(op, "frame", &have);
    if (!frame) { r2_fail(res, "invalid-argument", "send", "'frame' must be a hex string"); return; }
    double len = (double)have;
    if (r2_arg_has(op, "len") && !r2_arg_number(op, "len", &len)) { r2_fail(res, "invalid-argument", "send", "'len' must be a number"); return; }
    if (!rtl8139_initialised()) { r2_fail(res, "device", "rtl8139.send_frame", "driver not initialised"); return; }
    if (!(len >= 0) || len != floor(len) || len > 9007199254740991.0) { r2_fail(res, "invalid-argument", "rtl8139.send_frame", "length is not a non-negative integer"); return; }
    if ((len < 60 ? 60 : len) > TX_BUFFER_BYTES) { r2_fail(res, "too-large", "rtl8139.send_frame", "Frame too large"); return; }
    if (len > (double)have) { r2_fail(res, "invalid-argument", "rtl8139.send_frame", "length exceeds the bytes supplied"); return; }
    unsigned d;
    size_t sent;
    rtl8139_send_frame(frame, (size_t)len, &d, &sent);
    r2_ok(res);
    r2_put_int(res, "descriptor", d);
    r2_put_int(res, "sendLen", (int64_t)sent);
  } else if (strcmp(name, "driver-state") == 0) {
    r2_ok(res);
    r2_put_int(res, "txIndex", TX_INDEX);
    r2_put_int(res, "rxOffset", RX_OFFSET);
  }
}

static void collect(const uint8_t *d, size_t n, void *ctx) { r2_list_hex((r2_result *)ctx, d, n); }

static void serial_op(const char *name, const r2_op *op, r2_result *res) {
  if (strcmp(name, "init") == 0) {
    serial_init();
    slip_reset();
    r2_ok(res);
  } else if (strcmp(name, "send-packet") == 0) {
    size_t n;
    const uint8_t *d = r2_arg_bytes(op, "datagram", &n);
    if (!d) { r2_fail(res, "invalid-argument", "send-packet", "'datagram' must be a hex string"); return; }
    long r = slip_send_packet(d, n);
    if (r == -1) r2_fail(res, "too-large", "slip.encode", "the encoding exceeds the SLIP buffer");
    else if (r == -2) r2_fail(res, "device", "serial.write", "transmitter never became ready (LSR.THRE stayed clear)");
    else { r2_ok(res); r2_put_int(res, "encodedBytes", r); }
  } else if (strcmp(name, "write") == 0) {
    int64_t b;
    if (!r2_arg_int(op, "byte", 0, 255, &b)) { r2_fail(res, "invalid-argument", "write", "'byte' must be an integer in 0..255"); return; }
    if (serial_write((uint8_t)b) != 0) r2_fail(res, "device", "serial.write", "transmitter never became ready (LSR.THRE stayed clear)");
    else r2_ok(res);
  } else if (strcmp(name, "ready") == 0) {
    int r = serial_ready();
    r2_ok(res);
    r2_put_bool(res, "ready", r);
  } else if (strcmp(name, "read") == 0) {
    uint8_t b;
    if (serial_read(&b) != 0) r2_fail(res, "device", "serial.read", "no byte received");
    else { r2_ok(res); r2_put_int(res, "byte", b); }
  } else if (strcmp(name, "receive") == 0) {
    r2_ok(res);
    r2_begin_list(res, "datagrams");
    slip_receive(collect, res);
    r2_end_list(res);
  } else if (strcmp(name, "counters") == 0) {
    r2_ok(res);
    r2_put_int(res, "received", (int64_t)slip_received);
    r2_put_int(res, "decodeErrors", (int64_t)slip_decode_errors);
  }
}

static void on_op(const char *layer, const r2_op *op, r2_result *res, void *user) {
  (void)user;
  if (strcmp(layer, "nic") == 0) nic_op(r2_op_name(op), op, res);
  else serial_op(r2_op_name(op), op, res);
}

int main(void) {
  /* The kernel image's static DMA buffers, mirrored in r2net's guest memory. */
  r2_dma_register(RX_BUFFER, sizeof RX_BUFFER);
  r2_dma_register(TX_BUFFERS, sizeof TX_BUFFERS);
  r2_impl impl = {
      .name = "r2net-c-driver",
      .version = "0.1.0",
      .profile = "seed",
      .layers = "nic,serial",
      .reset = reset,
      .op = on_op,
  };
  return r2_serve(&impl);
}
