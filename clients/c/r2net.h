/*
 * r2net client library for C: run a driver or kernel under test over r2net's served hardware
 * (protocol version 2, spec/contract/protocol.md). r2net keeps the machine (port-I/O bus, PCI,
 * RTL8139, 16550, guest memory, clock, wire, serial line); this library gives your code the
 * CPU's side of it: in/out instructions and DMA-able memory. One header, one .c, libc only.
 *
 * Memory model (spec/contract/protocol.md, "Guest memory"): r2net owns guest memory, where the
 * devices DMA. Buffers from r2_dma_alloc() live in this process and are mirrored at a guest-
 * physical address (r2_phys): your driver reads and writes them directly, as a kernel does.
 * The library keeps the two coherent: what the devices wrote is copied in before your code runs
 * again; what your code wrote is copied out before each port access and before the op's reply.
 */
#ifndef R2NET_H
#define R2NET_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the CPU's port I/O: each is one hardware request, answered before it returns ---- */
uint8_t r2_inb(uint16_t port);
uint16_t r2_inw(uint16_t port);
uint32_t r2_inl(uint16_t port);
void r2_outb(uint16_t port, uint8_t value);
void r2_outw(uint16_t port, uint16_t value);
void r2_outl(uint16_t port, uint32_t value);

/* ---- DMA memory ---- */
/* A zeroed buffer of `size` bytes mirrored in guest memory (page aligned; one unused guest page
 * follows it, so a device writing past its end hits memory nobody owns). NULL when out of
 * memory. Allocate once (e.g. on the first op); mirrors are zeroed again on every reset. */
void *r2_dma_alloc(size_t size);
/* Mirrors memory you already have (a driver's static RX_BUFFER, say) at a fresh guest-physical
 * address, with the same guard page after it; returns that address (0 when the 32-bit guest
 * space is exhausted). r2_dma_alloc() is calloc + this. */
uint32_t r2_dma_register(void *buf, size_t size);
/* The guest-physical address of a byte inside a DMA buffer (a driver's virt_to_phys). 0 for a
 * pointer outside every DMA buffer. */
uint32_t r2_phys(const void *p);
/* Explicit guest-memory access, for memory you do not mirror (one request each). */
void r2_mem_read(uint32_t addr, void *out, size_t len);
void r2_mem_write(uint32_t addr, const void *bytes, size_t len);

/* ---- the op being executed: its arguments ---- */
typedef struct r2_json r2_json;
typedef struct r2_op r2_op;
const char *r2_op_name(const r2_op *op);
/* 1 when the argument is present. */
int r2_arg_has(const r2_op *op, const char *name);
/* A JSON number argument: 1 and *out when present and a number, else 0. */
int r2_arg_number(const r2_op *op, const char *name, double *out);
/* An integer argument in [min, max]: 1 and *out when it is one, else 0. */
int r2_arg_int(const r2_op *op, const char *name, int64_t min, int64_t max, int64_t *out);
/* A hex bytes argument: a malloc'd buffer the library frees after the op (NULL when absent or
 * not hex); *len its length. */
const uint8_t *r2_arg_bytes(const r2_op *op, const char *name, size_t *len);

/* ---- the op's result: either r2_ok() then values, or r2_fail() ---- */
typedef struct r2_result r2_result;
void r2_ok(r2_result *res);
void r2_fail(r2_result *res, const char *kind, const char *where, const char *message);
void r2_put_int(r2_result *res, const char *key, int64_t value);
void r2_put_bool(r2_result *res, const char *key, int value);
void r2_put_hex(r2_result *res, const char *key, const uint8_t *bytes, size_t len);
void r2_put_ints(r2_result *res, const char *key, const int64_t *values, size_t n);
/* A list of byte strings, built one by one: r2_begin_list, r2_list_hex..., r2_end_list. */
void r2_begin_list(r2_result *res, const char *key);
void r2_list_hex(r2_result *res, const uint8_t *bytes, size_t len);
void r2_end_list(r2_result *res);

/* ---- the request loop ---- */
typedef struct r2_impl {
  const char *name;    /* statement.name */
  const char *version; /* statement.version */
  const char *profile; /* statement.profile, e.g. "seed" */
  const char *layers;  /* comma-separated, e.g. "nic,serial" (each served) */
  /* Every scenario starts from reset: called before its first op (your driver's statics). */
  void (*reset)(const char *layer, void *user);
  /* One op of `layer`: fill `res` (r2_ok + values, or r2_fail). Unknown op: leave `res` alone
   * and the library answers unsupported-op. */
  void (*op)(const char *layer, const r2_op *op, r2_result *res, void *user);
  void *user;
} r2_impl;

/* Serves hello, op and shutdown requests on stdin/stdout until shutdown or end of input.
 * Logs go to stderr (stdout is the protocol's). Returns the process exit status. */
int r2_serve(const r2_impl *impl);

#ifdef __cplusplus
}
#endif
#endif
