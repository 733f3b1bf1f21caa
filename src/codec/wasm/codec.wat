;; Hot loops of the codec in WebAssembly with 128-bit SIMD (src/codec/wasm/kernels.ts loads it):
;; the RFC 1071 sum, SLIP escaping and SLIP unescaping, 16 bytes at a time. JS copies its bytes
;; into this module's memory, calls one function, and copies the result out: one crossing per
;; operation instead of a JS loop per byte or a native call per END/ESC.
;; Built by `npm run build:wasm` (scripts/build-wasm.ts, wabt's wat2wasm); codec.wasm is that
;; build, committed so nothing is compiled at run time; test/codec/wasm.test.ts rebuilds it and
;; checks the bytes are the same. Layout constants are repeated in kernels.ts (MEMORY).
(module
  ;; 4 pages, never grown (JS keeps one view of it): [0, 64K) checksum input,
  ;; [64K, 128K) SLIP input, [128K, 256K) SLIP output.
  (memory (export "memory") 4 4)

  ;; end-around-carry fold of a non-negative i64 to 16 bits (0 stays 0)
  (func $fold (param $s i64) (result i64)
    (block $done
      (loop $again
        (br_if $done (i64.le_u (local.get $s) (i64.const 0xffff)))
        (local.set $s (i64.add (i64.and (local.get $s) (i64.const 0xffff)) (i64.shr_u (local.get $s) (i64.const 16))))
        (br $again)))
    (local.get $s))

  ;; Folded ones'-complement sum of [p, p+n) read as big-endian 16-bit words paired from p (an odd
  ;; last byte is a high byte); 0 only when every byte is 0. Lanes hold the words byte-swapped
  ;; (little-endian loads); the sum commutes with that swap, undone once at the end.
  (func (export "sum") (param $p i32) (param $n i32) (result i32)
    (local $end i32) (local $acc v128) (local $acc2 v128) (local $wide i64) (local $tail i64) (local $blocks i32)
    (local.set $end (i32.add (local.get $p) (local.get $n)))
    (block $simd_done
      (loop $outer
        (br_if $simd_done (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
        (local.set $acc (v128.const i64x2 0 0))
        (local.set $acc2 (v128.const i64x2 0 0))
        (local.set $blocks (i32.const 0))
        ;; at most 8192 blocks per round: each lane grows by < 2^17 a block, stays < 2^32
        (block $round_done
          (loop $inner
            (br_if $round_done (i32.gt_u (i32.add (local.get $p) (i32.const 32)) (local.get $end)))
            (br_if $round_done (i32.ge_u (local.get $blocks) (i32.const 8192)))
            (local.set $acc (i32x4.add (local.get $acc) (i32x4.extadd_pairwise_i16x8_u (v128.load (local.get $p)))))
            (local.set $acc2 (i32x4.add (local.get $acc2) (i32x4.extadd_pairwise_i16x8_u (v128.load offset=16 (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (i32.const 32)))
            (local.set $blocks (i32.add (local.get $blocks) (i32.const 1)))
            (br $inner)))
        (if (i32.le_u (i32.add (local.get $p) (i32.const 16)) (local.get $end))
          (then
            (local.set $acc (i32x4.add (local.get $acc) (i32x4.extadd_pairwise_i16x8_u (v128.load (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))))
        (local.set $wide (i64.add (local.get $wide)
          (i64.add
            (i64.add (i64.extend_i32_u (i32x4.extract_lane 0 (local.get $acc))) (i64.extend_i32_u (i32x4.extract_lane 1 (local.get $acc))))
            (i64.add (i64.extend_i32_u (i32x4.extract_lane 2 (local.get $acc))) (i64.extend_i32_u (i32x4.extract_lane 3 (local.get $acc)))))))
        (local.set $wide (i64.add (local.get $wide)
          (i64.add
            (i64.add (i64.extend_i32_u (i32x4.extract_lane 0 (local.get $acc2))) (i64.extend_i32_u (i32x4.extract_lane 1 (local.get $acc2))))
            (i64.add (i64.extend_i32_u (i32x4.extract_lane 2 (local.get $acc2))) (i64.extend_i32_u (i32x4.extract_lane 3 (local.get $acc2)))))))
        (br $outer)))
    ;; the lanes held byte-swapped words: fold, swap back
    (local.set $wide (call $fold (local.get $wide)))
    (local.set $tail (i64.or (i64.shl (i64.and (local.get $wide) (i64.const 0xff)) (i64.const 8)) (i64.shr_u (local.get $wide) (i64.const 8))))
    (block $pairs_done
      (loop $pairs
        (br_if $pairs_done (i32.gt_u (i32.add (local.get $p) (i32.const 2)) (local.get $end)))
        (local.set $tail (i64.add (local.get $tail)
          (i64.extend_i32_u (i32.or (i32.shl (i32.load8_u (local.get $p)) (i32.const 8)) (i32.load8_u offset=1 (local.get $p))))))
        (local.set $p (i32.add (local.get $p) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $p) (local.get $end))
      (then (local.set $tail (i64.add (local.get $tail) (i64.extend_i32_u (i32.shl (i32.load8_u (local.get $p)) (i32.const 8)))))))
    (i32.wrap_i64 (call $fold (local.get $tail))))

  ;; END, [i, i+n) escaped (0xC0 -> DB DC, 0xDB -> DB DD), END, written from o; returns the size.
  ;; o needs 2n + 2 + 16 bytes of room (whole blocks are stored, then partly overwritten).
  (func (export "slipEncode") (param $i i32) (param $n i32) (param $o i32) (result i32)
    (local $end i32) (local $start i32) (local $v v128) (local $m i32) (local $b i32)
    (local.set $end (i32.add (local.get $i) (local.get $n)))
    (local.set $start (local.get $o))
    (i32.store8 (local.get $o) (i32.const 0xc0))
    (local.set $o (i32.add (local.get $o) (i32.const 1)))
    (block $simd_done
      (loop $blocks
        (br_if $simd_done (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $end)))
        (local.set $v (v128.load (local.get $i)))
        (v128.store (local.get $o) (local.get $v))
        (local.set $m (i8x16.bitmask (v128.or
          (i8x16.eq (local.get $v) (v128.const i8x16 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0))
          (i8x16.eq (local.get $v) (v128.const i8x16 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb)))))
        (if (i32.eqz (local.get $m))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $blocks)))
        (local.set $m (i32.ctz (local.get $m)))
        (local.set $i (i32.add (local.get $i) (local.get $m)))
        (local.set $o (i32.add (local.get $o) (local.get $m)))
        (i32.store8 (local.get $o) (i32.const 0xdb))
        (i32.store8 offset=1 (local.get $o) (select (i32.const 0xdc) (i32.const 0xdd) (i32.eq (i32.load8_u (local.get $i)) (i32.const 0xc0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $o (i32.add (local.get $o) (i32.const 2)))
        (br $blocks)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $b (i32.load8_u (local.get $i)))
        (if (i32.or (i32.eq (local.get $b) (i32.const 0xc0)) (i32.eq (local.get $b) (i32.const 0xdb)))
          (then
            (i32.store8 (local.get $o) (i32.const 0xdb))
            (i32.store8 offset=1 (local.get $o) (select (i32.const 0xdc) (i32.const 0xdd) (i32.eq (local.get $b) (i32.const 0xc0))))
            (local.set $o (i32.add (local.get $o) (i32.const 2))))
          (else
            (i32.store8 (local.get $o) (local.get $b))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (i32.store8 (local.get $o) (i32.const 0xc0))
    (i32.sub (i32.add (local.get $o) (i32.const 1)) (local.get $start)))

  ;; Decodes from [i, i+n) into o while the bytes are data or complete escapes and fewer than
  ;; `room` bytes are written; stops before an END, an ESC it cannot complete within the range,
  ;; or the byte that would pass `room`. Returns consumed + 65536 * written (n <= 32768, so both
  ;; fit 16 bits; read it unsigned). o needs written + 16 bytes of room (whole blocks are stored).
  (func (export "slipUnescape") (param $i i32) (param $n i32) (param $o i32) (param $room i32) (result i32)
    (local $start i32) (local $end i32) (local $w i32) (local $v v128) (local $m i32) (local $b i32) (local $c i32)
    (local.set $start (local.get $i))
    (local.set $end (i32.add (local.get $i) (local.get $n)))
    (block $stop
      (loop $next
        (if (i32.and
              (i32.le_u (i32.add (local.get $i) (i32.const 16)) (local.get $end))
              (i32.le_u (i32.add (local.get $w) (i32.const 16)) (local.get $room)))
          (then
            (local.set $v (v128.load (local.get $i)))
            (v128.store (i32.add (local.get $o) (local.get $w)) (local.get $v))
            (local.set $m (i8x16.bitmask (v128.or
              (i8x16.eq (local.get $v) (v128.const i8x16 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0 0xc0))
              (i8x16.eq (local.get $v) (v128.const i8x16 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb 0xdb)))))
            (if (i32.eqz (local.get $m))
              (then
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (local.set $w (i32.add (local.get $w) (i32.const 16)))
                (br $next)))
            (local.set $m (i32.ctz (local.get $m)))
            (local.set $i (i32.add (local.get $i) (local.get $m)))
            (local.set $w (i32.add (local.get $w) (local.get $m)))
            (local.set $b (i32.load8_u (local.get $i))))
          (else
            (br_if $stop (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $b (i32.load8_u (local.get $i)))
            (if (i32.and (i32.ne (local.get $b) (i32.const 0xc0)) (i32.ne (local.get $b) (i32.const 0xdb)))
              (then
                (br_if $stop (i32.ge_u (local.get $w) (local.get $room)))
                (i32.store8 (i32.add (local.get $o) (local.get $w)) (local.get $b))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (local.set $w (i32.add (local.get $w) (i32.const 1)))
                (br $next)))))
        ;; END or ESC at i
        (br_if $stop (i32.eq (local.get $b) (i32.const 0xc0)))
        (br_if $stop (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $end)))
        (local.set $c (i32.load8_u offset=1 (local.get $i)))
        (br_if $stop (i32.and (i32.ne (local.get $c) (i32.const 0xdc)) (i32.ne (local.get $c) (i32.const 0xdd))))
        (br_if $stop (i32.ge_u (local.get $w) (local.get $room)))
        (i32.store8 (i32.add (local.get $o) (local.get $w)) (select (i32.const 0xc0) (i32.const 0xdb) (i32.eq (local.get $c) (i32.const 0xdc))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (local.set $w (i32.add (local.get $w) (i32.const 1)))
        (br $next)))
    (i32.add (i32.sub (local.get $i) (local.get $start)) (i32.shl (local.get $w) (i32.const 16))))
)
