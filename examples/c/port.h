/* The platform primitives a kernel driver is written against. In a kernel these are the `in`/
 * `out` instructions and the kernel's virt_to_phys; here they are r2net's served hardware. This
 * file is the only thing that changes when the drivers move between the two. */
#ifndef PORT_H
#define PORT_H
#include "../../clients/c/r2net.h"

static inline uint8_t inb(uint16_t p) { return r2_inb(p); }
static inline uint16_t inw(uint16_t p) { return r2_inw(p); }
static inline uint32_t inl(uint16_t p) { return r2_inl(p); }
static inline void outb(uint16_t p, uint8_t v) { r2_outb(p, v); }
static inline void outw(uint16_t p, uint16_t v) { r2_outw(p, v); }
static inline void outl(uint16_t p, uint32_t v) { r2_outl(p, v); }
static inline uint32_t virt_to_phys(const void *p) { return r2_phys(p); }
/* Physical memory beyond our buffers (a kernel's direct map): what a device wrote past one. */
static inline void phys_read(uint32_t addr, void *out, size_t len) { r2_mem_read(addr, out, len); }

#endif
