/* r2net client library for C (see r2net.h and README.md). Protocol: spec/contract/protocol.md. */
#include "r2net.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ small helpers */

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("r2net client: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) die("out of memory");
  return q;
}

/* A growable text buffer: messages are built here, then written as one line. */
typedef struct {
  char *s;
  size_t len, cap;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    b->cap = (b->len + n + 1) * 2;
    b->s = xrealloc(b->s, b->cap);
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}
static void sb_str(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }
static void sb_fmt(sbuf *b, const char *fmt, ...) {
  char tmp[128];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  sb_put(b, tmp, (size_t)n);
}
static void sb_json_string(sbuf *b, const char *s) {
  sb_put(b, "\"", 1);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      sb_put(b, e, 2);
    } else if (c < 0x20) {
      sb_fmt(b, "\\u%04x", c);
    } else {
      sb_put(b, (const char *)&c, 1);
    }
  }
  sb_put(b, "\"", 1);
}
static void sb_hex(sbuf *b, const uint8_t *p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  sb_put(b, "\"", 1);
  if (b->len + 2 * n + 2 > b->cap) {
    b->cap = (b->len + 2 * n + 2) * 2;
    b->s = xrealloc(b->s, b->cap);
  }
  for (size_t i = 0; i < n; i++) {
    b->s[b->len++] = digits[p[i] >> 4];
    b->s[b->len++] = digits[p[i] & 15];
  }
  b->s[b->len] = 0;
  sb_put(b, "\"", 1);
}

/* ------------------------------------------------------------------ a minimal JSON reader */

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;
struct r2_json {
  jtype t;
  double num;
  int b;
  char *str;          /* J_STR (NUL-terminated, unescaped) */
  size_t n;           /* J_ARR / J_OBJ: count */
  char **keys;        /* J_OBJ */
  struct r2_json *kids;
};

typedef struct {
  const char *p;
  int depth;
} jparser;

static void json_free(r2_json *v) {
  if (v->t == J_STR) free(v->str);
  if (v->t == J_ARR || v->t == J_OBJ) {
    for (size_t i = 0; i < v->n; i++) {
      json_free(&v->kids[i]);
      if (v->keys) free(v->keys[i]);
    }
    free(v->kids);
    free(v->keys);
  }
  memset(v, 0, sizeof *v);
}

static void ws(jparser *j) {
  while (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n') j->p++;
}

static void put_utf8(sbuf *b, unsigned cp) {
  char o[4];
  size_t n;
  if (cp < 0x80) { o[0] = (char)cp; n = 1; }
  else if (cp < 0x800) { o[0] = (char)(0xc0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 63)); n = 2; }
  else if (cp < 0x10000) { o[0] = (char)(0xe0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 63)); o[2] = (char)(0x80 | (cp & 63)); n = 3; }
  else { o[0] = (char)(0xf0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 63)); o[2] = (char)(0x80 | ((cp >> 6) & 63)); o[3] = (char)(0x80 | (cp & 63)); n = 4; }
  sb_put(b, o, n);
}

static int parse_string(jparser *j, char **out) {
  if (*j->p != '"') return 0;
  j->p++;
  sbuf b = {0};
  sb_put(&b, "", 0);
  for (;;) {
    char c = *j->p++;
    if (c == 0) { free(b.s); return 0; }
    if (c == '"') break;
    if (c != '\\') { sb_put(&b, &c, 1); continue; }
    char e = *j->p++;
    switch (e) {
      case '"': case '\\': case '/': sb_put(&b, &e, 1); break;
      case 'b': sb_put(&b, "\b", 1); break;
      case 'f': sb_put(&b, "\f", 1); break;
      case 'n': sb_put(&b, "\n", 1); break;
      case 'r': sb_put(&b, "\r", 1); break;
      case 't': sb_put(&b, "\t", 1); break;
      case 'u': {
        unsigned cp = 0;
        for (int i = 0; i < 4; i++) {
          char h = *j->p++;
          cp <<= 4;
          if (h >= '0' && h <= '9') cp |= (unsigned)(h - '0');
          else if (h >= 'a' && h <= 'f') cp |= (unsigned)(h - 'a' + 10);
          else if (h >= 'A' && h <= 'F') cp |= (unsigned)(h - 'A' + 10);
          else { free(b.s); return 0; }
        }
        put_utf8(&b, cp); /* surrogate pairs are not joined: r2net sends none */
        break;
      }
      default: free(b.s); return 0;
    }
  }
  *out = b.s;
  return 1;
}

static int parse_value(jparser *j, r2_json *v);

static int parse_container(jparser *j, r2_json *v, int obj) {
  char close = obj ? '}' : ']';
  j->p++;
  v->t = obj ? J_OBJ : J_ARR;
  size_t cap = 0;
  ws(j);
  if (*j->p == close) { j->p++; return 1; }
  for (;;) {
    if (v->n == cap) {
      cap = cap ? cap * 2 : 8;
      v->kids = xrealloc(v->kids, cap * sizeof *v->kids);
      if (obj) v->keys = xrealloc(v->keys, cap * sizeof *v->keys);
    }
    ws(j);
    if (obj) {
      if (!parse_string(j, &v->keys[v->n])) return 0;
      ws(j);
      if (*j->p++ != ':') { free(v->keys[v->n]); return 0; }
    }
    memset(&v->kids[v->n], 0, sizeof *v->kids);
    if (!parse_value(j, &v->kids[v->n])) { if (obj) free(v->keys[v->n]); return 0; }
    v->n++;
    ws(j);
    if (*j->p == ',') { j->p++; continue; }
    if (*j->p == close) { j->p++; return 1; }
    return 0;
  }
}

static int parse_value(jparser *j, r2_json *v) {
  ws(j);
  if (++j->depth > 64) return 0;
  int ok = 1;
  switch (*j->p) {
    case '{': ok = parse_container(j, v, 1); break;
    case '[': ok = parse_container(j, v, 0); break;
    case '"': v->t = J_STR; ok = parse_string(j, &v->str); break;
    case 't': if (strncmp(j->p, "true", 4) == 0) { v->t = J_BOOL; v->b = 1; j->p += 4; } else ok = 0; break;
    case 'f': if (strncmp(j->p, "false", 5) == 0) { v->t = J_BOOL; j->p += 5; } else ok = 0; break;
    case 'n': if (strncmp(j->p, "null", 4) == 0) { v->t = J_NULL; j->p += 4; } else ok = 0; break;
    default: {
      char *end;
      v->num = strtod(j->p, &end);
      if (end == j->p) ok = 0;
      v->t = J_NUM;
      j->p = end;
    }
  }
  j->depth--;
  return ok;
}

static int json_parse(const char *text, r2_json *out) {
  jparser j = {text, 0};
  memset(out, 0, sizeof *out);
  if (!parse_value(&j, out)) { json_free(out); return 0; }
  ws(&j);
  if (*j.p) { json_free(out); return 0; }
  return 1;
}

static const r2_json *jget(const r2_json *o, const char *key) {
  if (!o || o->t != J_OBJ) return NULL;
  for (size_t i = 0; i < o->n; i++)
    if (strcmp(o->keys[i], key) == 0) return &o->kids[i];
  return NULL;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes hex into a malloc'd buffer; NULL when it is not hex. */
static uint8_t *unhex(const char *s, size_t *len) {
  size_t n = strlen(s);
  if (n % 2) return NULL;
  uint8_t *out = xrealloc(NULL, n / 2);
  for (size_t i = 0; i < n / 2; i++) {
    int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
    if (hi < 0 || lo < 0) { free(out); return NULL; }
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  *len = n / 2;
  return out;
}

/* ------------------------------------------------------------------ lines on stdin/stdout */

static char *line_buf;
static size_t line_cap;

/* The next non-blank line from stdin (without its newline), or NULL at end of input. */
static char *read_line(void) {
  for (;;) {
    size_t len = 0;
    int c;
    while ((c = getchar()) != EOF && c != '\n') {
      if (len + 2 > line_cap) {
        line_cap = line_cap ? line_cap * 2 : 4096;
        line_buf = xrealloc(line_buf, line_cap);
      }
      line_buf[len++] = (char)c;
    }
    if (c == EOF && len == 0) return NULL;
    if (!line_buf) { line_cap = 16; line_buf = xrealloc(NULL, line_cap); }
    if (len && line_buf[len - 1] == '\r') len--;
    line_buf[len] = 0;
    size_t i = 0;
    while (line_buf[i] == ' ' || line_buf[i] == '\t') i++;
    if (line_buf[i]) return line_buf;
    if (c == EOF) return NULL;
  }
}

static void write_line(sbuf *b) {
  sb_put(b, "\n", 1);
  if (fwrite(b->s, 1, b->len, stdout) != b->len || fflush(stdout) != 0) die("cannot write to stdout");
  b->len = 0;
}

/* ------------------------------------------------------------------ DMA mirrors */

#define GUEST_DMA_BASE 0x00100000u /* 1 MiB, as a kernel image's statics would sit */
#define GUEST_PAGE 4096u

typedef struct {
  uint8_t *buf;    /* what the driver reads and writes */
  uint8_t *shadow; /* what r2net's guest memory holds, as far as we know */
  size_t size;
  uint32_t phys;
} mirror;

static mirror *mirrors;
static size_t n_mirrors;
static uint32_t next_phys = GUEST_DMA_BASE;
static sbuf out_msg; /* the message being built */
static unsigned long hw_next;
static int in_op;
static long long op_id; /* the op request being served: every hardware request names it */

uint32_t r2_dma_register(void *buf, size_t size) {
  if (!buf || size == 0 || size > 0x4000000) return 0;
  uint64_t end = (uint64_t)next_phys + size;
  if (end + GUEST_PAGE > 0xffffffffu) return 0;
  mirrors = xrealloc(mirrors, (n_mirrors + 1) * sizeof *mirrors);
  mirror *m = &mirrors[n_mirrors++];
  m->buf = buf;
  m->shadow = calloc(1, size);
  if (!m->shadow) die("out of memory for the shadow of a %zu-byte DMA buffer", size);
  memset(buf, 0, size); /* r2net's guest memory starts zeroed; so does the mirror */
  m->size = size;
  m->phys = next_phys;
  next_phys = (uint32_t)(((end + GUEST_PAGE - 1) / GUEST_PAGE + 1) * GUEST_PAGE);
  return m->phys;
}

void *r2_dma_alloc(size_t size) {
  void *p = calloc(1, size ? size : 1);
  if (!p) return NULL;
  if (!r2_dma_register(p, size)) {
    free(p);
    return NULL;
  }
  return p;
}

uint32_t r2_phys(const void *p) {
  const uint8_t *q = p;
  for (size_t i = 0; i < n_mirrors; i++)
    if (q >= mirrors[i].buf && q < mirrors[i].buf + mirrors[i].size) return mirrors[i].phys + (uint32_t)(q - mirrors[i].buf);
  return 0;
}

/* Device writes r2net pushed (`dma`): copied into the mirrors they fall in. */
static void apply_dma(const r2_json *dma) {
  if (!dma || dma->t != J_ARR) return;
  for (size_t k = 0; k < dma->n; k++) {
    const r2_json *a = jget(&dma->kids[k], "addr"), *b = jget(&dma->kids[k], "bytes");
    if (!a || a->t != J_NUM || !b || b->t != J_STR) die("malformed dma entry from r2net");
    size_t len;
    uint8_t *bytes = unhex(b->str, &len);
    if (!bytes) die("dma entry from r2net is not hex");
    uint64_t at = (uint64_t)a->num;
    for (size_t i = 0; i < n_mirrors; i++) {
      mirror *m = &mirrors[i];
      uint64_t lo = at > m->phys ? at : m->phys;
      uint64_t hi = at + len < (uint64_t)m->phys + m->size ? at + len : (uint64_t)m->phys + m->size;
      if (lo >= hi) continue;
      memcpy(m->buf + (lo - m->phys), bytes + (lo - at), hi - lo);
      memcpy(m->shadow + (lo - m->phys), bytes + (lo - at), hi - lo);
    }
    free(bytes);
  }
}

static r2_json hw_call(sbuf *req);

/* The driver's writes since the last flush go out as guest-memory writes. */
static void flush_mirrors(void) {
  for (size_t i = 0; i < n_mirrors; i++) {
    mirror *m = &mirrors[i];
    if (memcmp(m->buf, m->shadow, m->size) == 0) continue;
    size_t at = 0;
    while (at < m->size) {
      while (at < m->size && m->buf[at] == m->shadow[at]) at++;
      if (at == m->size) break;
      /* A run of changes; gaps shorter than 16 bytes are sent along rather than split. */
      size_t end = at, same = 0;
      while (end < m->size && same < 16) {
        same = m->buf[end] == m->shadow[end] ? same + 1 : 0;
        end++;
      }
      end -= same;
      if (end - at > 0x10000) end = at + 0x10000;
      sbuf req = {0};
      sb_fmt(&req, "\"method\":\"write\",\"addr\":%u,\"bytes\":", (unsigned)(m->phys + at));
      sb_hex(&req, m->buf + at, end - at);
      memcpy(m->shadow + at, m->buf + at, end - at);
      r2_json r = hw_call(&req);
      json_free(&r);
      free(req.s);
      at = end;
    }
  }
}

static void zero_mirrors(void) {
  for (size_t i = 0; i < n_mirrors; i++) {
    memset(mirrors[i].buf, 0, mirrors[i].size);
    memset(mirrors[i].shadow, 0, mirrors[i].size);
  }
}

/* ------------------------------------------------------------------ hardware requests */

/* Sends {"hw":K, <body>} and returns r2net's reply (the caller frees it). */
static r2_json hw_call(sbuf *body) {
  if (!in_op) die("a hardware request outside an op: port I/O and DMA exist only while r2net waits for an op's result");
  unsigned long k = hw_next++;
  sbuf msg = {0};
  sb_fmt(&msg, "{\"hw\":%lu,\"for\":%lld,", k, op_id);
  sb_put(&msg, body->s, body->len);
  sb_put(&msg, "}", 1);
  write_line(&msg);
  free(msg.s);
  char *line = read_line();
  if (!line) die("stdin ended while waiting for the reply to hardware request #%lu", k);
  r2_json r;
  if (!json_parse(line, &r)) die("the reply to hardware request #%lu is not JSON", k);
  const r2_json *id = jget(&r, "hw");
  if (!id || id->t != J_NUM || (unsigned long)id->num != k) die("expected the reply to hardware request #%lu, got: %.200s", k, line);
  const r2_json *err = jget(&r, "error");
  if (err) die("r2net refused hardware request #%lu: %.300s", k, line);
  apply_dma(jget(&r, "dma"));
  return r;
}

static uint32_t port_in(uint16_t port, int width) {
  flush_mirrors();
  sbuf req = {0};
  sb_fmt(&req, "\"method\":\"in\",\"port\":%u,\"width\":%d", port, width);
  r2_json r = hw_call(&req);
  free(req.s);
  const r2_json *v = jget(&r, "value");
  if (!v || v->t != J_NUM) die("r2net's reply to in 0x%x has no value", port);
  uint32_t out = (uint32_t)v->num;
  json_free(&r);
  return out;
}

static void port_out(uint16_t port, int width, uint32_t value) {
  flush_mirrors(); /* the device may act on this write (a doorbell): it must see our memory */
  sbuf req = {0};
  sb_fmt(&req, "\"method\":\"out\",\"port\":%u,\"width\":%d,\"value\":%u", port, width, value);
  r2_json r = hw_call(&req);
  json_free(&r);
  free(req.s);
}

uint8_t r2_inb(uint16_t port) { return (uint8_t)port_in(port, 1); }
uint16_t r2_inw(uint16_t port) { return (uint16_t)port_in(port, 2); }
uint32_t r2_inl(uint16_t port) { return port_in(port, 4); }
void r2_outb(uint16_t port, uint8_t value) { port_out(port, 1, value); }
void r2_outw(uint16_t port, uint16_t value) { port_out(port, 2, value); }
void r2_outl(uint16_t port, uint32_t value) { port_out(port, 4, value); }

void r2_mem_read(uint32_t addr, void *out, size_t len) {
  uint8_t *o = out;
  while (len > 0) {
    size_t n = len > 0x10000 ? 0x10000 : len;
    sbuf req = {0};
    sb_fmt(&req, "\"method\":\"read\",\"addr\":%u,\"len\":%zu", addr, n);
    r2_json r = hw_call(&req);
    free(req.s);
    const r2_json *b = jget(&r, "bytes");
    size_t got;
    uint8_t *bytes = b && b->t == J_STR ? unhex(b->str, &got) : NULL;
    if (!bytes || got != n) die("r2net's reply to a %zu-byte read has no such bytes", n);
    memcpy(o, bytes, n);
    free(bytes);
    json_free(&r);
    o += n;
    addr += (uint32_t)n;
    len -= n;
  }
}

void r2_mem_write(uint32_t addr, const void *bytes, size_t len) {
  const uint8_t *p = bytes;
  while (len > 0) {
    size_t n = len > 0x10000 ? 0x10000 : len;
    sbuf req = {0};
    sb_fmt(&req, "\"method\":\"write\",\"addr\":%u,\"bytes\":", addr);
    sb_hex(&req, p, n);
    r2_json r = hw_call(&req);
    json_free(&r);
    free(req.s);
    p += n;
    addr += (uint32_t)n;
    len -= n;
  }
}

/* ------------------------------------------------------------------ op arguments */

struct r2_op {
  const r2_json *obj;
  void **owned; /* buffers handed out by r2_arg_bytes, freed after the op */
  size_t n_owned;
};

const char *r2_op_name(const r2_op *op) {
  const r2_json *v = jget(op->obj, "op");
  return v && v->t == J_STR ? v->str : "";
}

int r2_arg_has(const r2_op *op, const char *name) { return jget(op->obj, name) != NULL; }

int r2_arg_number(const r2_op *op, const char *name, double *out) {
  const r2_json *v = jget(op->obj, name);
  if (!v || v->t != J_NUM) return 0;
  *out = v->num;
  return 1;
}

int r2_arg_int(const r2_op *op, const char *name, int64_t min, int64_t max, int64_t *out) {
  double d;
  if (!r2_arg_number(op, name, &d)) return 0;
  if (d != d || d < (double)min || d > (double)max || d != (double)(int64_t)d) return 0;
  *out = (int64_t)d;
  return 1;
}

const uint8_t *r2_arg_bytes(const r2_op *op, const char *name, size_t *len) {
  const r2_json *v = jget(op->obj, name);
  if (!v || v->t != J_STR) return NULL;
  uint8_t *b = unhex(v->str, len);
  if (!b) return NULL;
  r2_op *o = (r2_op *)op;
  o->owned = xrealloc(o->owned, (o->n_owned + 1) * sizeof *o->owned);
  o->owned[o->n_owned++] = b;
  return b;
}

/* ------------------------------------------------------------------ op results */

struct r2_result {
  int state; /* 0 nothing yet, 1 ok (building value), 2 failed */
  int first; /* no member written yet in the current object/list */
  sbuf value;
  sbuf error;
};

void r2_ok(r2_result *res) {
  res->state = 1;
  res->first = 1;
  res->value.len = 0;
  sb_str(&res->value, "{");
}

void r2_fail(r2_result *res, const char *kind, const char *where, const char *message) {
  res->state = 2;
  res->error.len = 0;
  sb_str(&res->error, "{\"kind\":");
  sb_json_string(&res->error, kind);
  if (where) {
    sb_str(&res->error, ",\"where\":");
    sb_json_string(&res->error, where);
  }
  sb_str(&res->error, ",\"message\":");
  sb_json_string(&res->error, message ? message : "");
  sb_str(&res->error, "}");
}

static void key(r2_result *res, const char *k) {
  if (res->state != 1) die("r2_put_* before r2_ok()");
  if (!res->first) sb_str(&res->value, ",");
  res->first = 0;
  if (k) {
    sb_json_string(&res->value, k);
    sb_str(&res->value, ":");
  }
}

void r2_put_int(r2_result *res, const char *k, int64_t v) { key(res, k); sb_fmt(&res->value, "%lld", (long long)v); }
void r2_put_bool(r2_result *res, const char *k, int v) { key(res, k); sb_str(&res->value, v ? "true" : "false"); }
void r2_put_hex(r2_result *res, const char *k, const uint8_t *b, size_t n) { key(res, k); sb_hex(&res->value, b, n); }
void r2_put_ints(r2_result *res, const char *k, const int64_t *v, size_t n) {
  key(res, k);
  sb_str(&res->value, "[");
  for (size_t i = 0; i < n; i++) sb_fmt(&res->value, i ? ",%lld" : "%lld", (long long)v[i]);
  sb_str(&res->value, "]");
}
void r2_begin_list(r2_result *res, const char *k) { key(res, k); sb_str(&res->value, "["); res->first = 1; }
void r2_list_hex(r2_result *res, const uint8_t *b, size_t n) { key(res, NULL); sb_hex(&res->value, b, n); }
void r2_end_list(r2_result *res) { sb_str(&res->value, "]"); res->first = 0; }

/* ------------------------------------------------------------------ the request loop */

static int has_layer(const char *layers, const char *layer) {
  size_t n = strlen(layer);
  for (const char *p = layers; *p;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    if (len == n && strncmp(p, layer, n) == 0) return 1;
    p += len + (comma ? 1 : 0);
  }
  return 0;
}

static void reply_error(long long id, const char *kind, const char *message) {
  sb_fmt(&out_msg, "{\"id\":%lld,\"error\":{\"kind\":", id);
  sb_json_string(&out_msg, kind);
  sb_str(&out_msg, ",\"message\":");
  sb_json_string(&out_msg, message);
  sb_str(&out_msg, "}}");
  write_line(&out_msg);
}

static void serve_op(const r2_impl *impl, long long id, const r2_json *req) {
  const r2_json *layer = jget(req, "layer"), *op = jget(req, "op"), *reset = jget(req, "reset");
  if (!layer || layer->t != J_STR || !has_layer(impl->layers, layer->str)) { reply_error(id, "bad-request", "op for a layer this implementation does not declare"); return; }
  if (!op || op->t != J_OBJ) { reply_error(id, "bad-request", "op must be an object"); return; }
  if (reset && reset->t == J_BOOL && reset->b) {
    zero_mirrors(); /* r2net's machine is fresh: its guest memory is zero */
    if (impl->reset) impl->reset(layer->str, impl->user);
  }
  apply_dma(jget(req, "dma"));
  r2_op o = {op, NULL, 0};
  r2_result res = {0};
  in_op = 1;
  op_id = id;
  impl->op(layer->str, &o, &res, impl->user);
  flush_mirrors(); /* what r2net observes after the op includes the driver's writes */
  in_op = 0;
  sb_fmt(&out_msg, "{\"id\":%lld,\"result\":", id);
  if (res.state == 1) {
    sb_str(&res.value, "}");
    sb_str(&out_msg, "{\"ok\":true,\"value\":");
    sb_put(&out_msg, res.value.s, res.value.len);
    sb_str(&out_msg, "}");
  } else if (res.state == 2) {
    sb_str(&out_msg, "{\"ok\":false,\"error\":");
    sb_put(&out_msg, res.error.s, res.error.len);
    sb_str(&out_msg, "}");
  } else {
    sb_str(&out_msg, "{\"ok\":false,\"error\":{\"kind\":\"unsupported-op\",\"message\":");
    sb_json_string(&out_msg, r2_op_name(&o));
    sb_str(&out_msg, "}}");
  }
  sb_str(&out_msg, "}");
  write_line(&out_msg);
  free(res.value.s);
  free(res.error.s);
  for (size_t i = 0; i < o.n_owned; i++) free(o.owned[i]);
  free(o.owned);
}

int r2_serve(const r2_impl *impl) {
  for (char *line = read_line(); line; line = read_line()) {
    r2_json req;
    if (!json_parse(line, &req) || req.t != J_OBJ) {
      json_free(&req);
      sb_str(&out_msg, "{\"id\":null,\"error\":{\"kind\":\"bad-request\",\"message\":\"not a JSON object\"}}");
      write_line(&out_msg);
      continue;
    }
    const r2_json *id = jget(&req, "id"), *method = jget(&req, "method");
    if (!id || id->t != J_NUM || !method || method->t != J_STR) {
      /* a reply without a usable id has id null */
      sb_str(&out_msg, "{\"id\":null,\"error\":{\"kind\":\"bad-request\",\"message\":\"a request needs an integer id and a method\"}}");
      write_line(&out_msg);
      json_free(&req);
      continue;
    }
    long long rid = (long long)id->num;
    const char *m = method->str;
    if (strcmp(m, "hello") == 0) {
      const r2_json *v = jget(&req, "protocol");
      if (!v || v->t != J_NUM || v->num < 2) {
        reply_error(rid, "unsupported-version", "served hardware needs protocol 2");
      } else {
        sb_fmt(&out_msg, "{\"id\":%lld,\"protocol\":2,\"statement\":{\"name\":", rid);
        sb_json_string(&out_msg, impl->name);
        sb_str(&out_msg, ",\"version\":");
        sb_json_string(&out_msg, impl->version);
        sb_str(&out_msg, ",\"profile\":");
        sb_json_string(&out_msg, impl->profile ? impl->profile : "seed");
        sb_str(&out_msg, ",\"layers\":[");
        const char *p = impl->layers;
        for (int first = 1; *p; first = 0) {
          const char *comma = strchr(p, ',');
          size_t len = comma ? (size_t)(comma - p) : strlen(p);
          if (!first) sb_str(&out_msg, ",");
          sb_str(&out_msg, "\"");
          sb_put(&out_msg, p, len);
          sb_str(&out_msg, "\"");
          p += len + (comma ? 1 : 0);
        }
        sb_str(&out_msg, "],\"hardware\":\"served\"}}");
        write_line(&out_msg);
      }
    } else if (strcmp(m, "op") == 0) {
      serve_op(impl, rid, &req);
    } else if (strcmp(m, "shutdown") == 0) {
      sb_fmt(&out_msg, "{\"id\":%lld,\"ok\":true}", rid);
      write_line(&out_msg);
      json_free(&req);
      return 0;
    } else {
      reply_error(rid, "unsupported-method", "this implementation answers hello, op and shutdown (its layers are all served)");
    }
    json_free(&req);
  }
  return 0;
}
