;; matmul.wat: float64 matrix product C = op(A)·op(B) with WebAssembly SIMD (f64x2).
;;
;; Built into src/engine/matmul-wasm.ts by `node tools/build-wasm.mjs` (wabt's wat2wasm);
;; test/engine.test.ts rebuilds it and fails if the committed bytes are stale.
;;
;; The JavaScript side (src/engine/wasm.ts) copies A and B into this module's memory (or finds
;; them there already: the engine's fit keeps its buffers resident in this memory), calls `pack`
;; twice and then `gemm` (from the main thread and, for large products, from worker threads that
;; share the memory; a thread then packs the panels of its own chunk), and copies C out.
;; `axpy` is the training update W := W + η·ΔW on resident buffers.
;;
;; The numbers both sides must agree on (the tile MR × NR, the memory's maximum pages) are in
;; src/engine/layout.ts; this module exports its tile sizes as globals and test/engine.test.ts
;; checks them, and the memory maximum below, against layout.ts.
;;
;; Layout (all row-major float64, addresses in bytes):
;;   packed A: panels of 4 rows.  Panel q holds op(A)[4q .. 4q+3, p] for p = 0..k-1, the 4 values
;;             of one p side by side: Apack[(q·k + p)·4 + r] = op(A)[4q + r, p].
;;   packed B: panels of 4 columns. Bpack[(q·k + p)·4 + c] = op(B)[p, 4q + c].
;;   C:        mp × np with mp, np the sizes rounded up to 4; the padding is cut off in JS.
;; Rows and columns past the end of A or B are packed as zeros, so every tile is a full 4×4 tile.
;;
;; The 4×4 register tile (8 f64x2 accumulators) is the largest whose loop V8's optimizing compiler
;; (Node 20) keeps entirely in registers: it issues all of an iteration's loads first, so a tile of
;; R rows needs 2R accumulators + 2 B vectors + R broadcast A values + 1 product = 15 xmm registers
;; for R = 4, which is all V8 has. The former 5×4 tile needed 18: three accumulators went through
;; the stack every iteration (seen with --print-wasm-code), a store-to-load chain that held it to
;; ~10.5 GFLOP/s on this 2-vCPU AMD EPYC; 4×4 runs at 12-20 GFLOP/s here (100×784·784×100 and
;; 100×100·100×784, one thread, the machine shared with other jobs). Loading B at each use (10 loads
;; instead of 2), 3×6, 6×4, 2×8 and unrolling the k loop by 2 were all slower.
;;
;; Each C entry is accumulated as c := c + a·b for p = 0, 1, …, k−1 (WebAssembly never fuses the
;; multiply and the add), the same operations in the same order as the plain i-k-j reference
;; kernel, so the results are bit-for-bit those of the reference.
(module
  ;; imported so that the main thread and the worker threads use one shared memory
  (import "env" "memory" (memory 1 32768 shared))

  ;; the register tile: MR rows × NR columns of C (layout.ts MR, NR)
  (global (export "MR") i32 (i32.const 4))
  (global (export "NR") i32 (i32.const 4))

  ;; One 4×4 tile: C[0..3, 0..3] = Apanel · Bpanel over k (k >= 1).
  ;; $a: packed A panel, $b: packed B panel, $c: address of the tile's top-left entry in C,
  ;; $ldc: bytes from one row of C to the next.
  (func $tile4x4 (param $a i32) (param $b i32) (param $c i32) (param $k i32) (param $ldc i32)
    ;; accumulators: $cR_0 holds C[R, 0..1], $cR_1 holds C[R, 2..3]; locals start at zero
    (local $c0_0 v128) (local $c0_1 v128)
    (local $c1_0 v128) (local $c1_1 v128)
    (local $c2_0 v128) (local $c2_1 v128)
    (local $c3_0 v128) (local $c3_1 v128)
    (local $b0 v128) (local $b1 v128) (local $x v128) (local $end i32)
    (local.set $end (i32.add (local.get $a) (i32.mul (local.get $k) (i32.const 32))))
    (loop $p
      ;; op(B)[p, 0..3]
      (local.set $b0 (v128.load offset=0 (local.get $b)))
      (local.set $b1 (v128.load offset=16 (local.get $b)))
      ;; row 0: C[0, :] += op(A)[0, p] · op(B)[p, :]
      (local.set $x (v128.load64_splat offset=0 (local.get $a)))
      (local.set $c0_0 (f64x2.add (local.get $c0_0) (f64x2.mul (local.get $x) (local.get $b0))))
      (local.set $c0_1 (f64x2.add (local.get $c0_1) (f64x2.mul (local.get $x) (local.get $b1))))
      ;; row 1
      (local.set $x (v128.load64_splat offset=8 (local.get $a)))
      (local.set $c1_0 (f64x2.add (local.get $c1_0) (f64x2.mul (local.get $x) (local.get $b0))))
      (local.set $c1_1 (f64x2.add (local.get $c1_1) (f64x2.mul (local.get $x) (local.get $b1))))
      ;; row 2
      (local.set $x (v128.load64_splat offset=16 (local.get $a)))
      (local.set $c2_0 (f64x2.add (local.get $c2_0) (f64x2.mul (local.get $x) (local.get $b0))))
      (local.set $c2_1 (f64x2.add (local.get $c2_1) (f64x2.mul (local.get $x) (local.get $b1))))
      ;; row 3
      (local.set $x (v128.load64_splat offset=24 (local.get $a)))
      (local.set $c3_0 (f64x2.add (local.get $c3_0) (f64x2.mul (local.get $x) (local.get $b0))))
      (local.set $c3_1 (f64x2.add (local.get $c3_1) (f64x2.mul (local.get $x) (local.get $b1))))
      ;; next p: 4 doubles of A, 4 of B
      (local.set $a (i32.add (local.get $a) (i32.const 32)))
      (local.set $b (i32.add (local.get $b) (i32.const 32)))
      (br_if $p (i32.lt_u (local.get $a) (local.get $end))))
    ;; store the tile, one row of C at a time
    (v128.store offset=0 (local.get $c) (local.get $c0_0))
    (v128.store offset=16 (local.get $c) (local.get $c0_1))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store offset=0 (local.get $c) (local.get $c1_0))
    (v128.store offset=16 (local.get $c) (local.get $c1_1))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store offset=0 (local.get $c) (local.get $c2_0))
    (v128.store offset=16 (local.get $c) (local.get $c2_1))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store offset=0 (local.get $c) (local.get $c3_0))
    (v128.store offset=16 (local.get $c) (local.get $c3_1)))

  ;; gemm: the tiles of row panels [ib0, ib1) × column panels [jb0, jb1) of C (non-empty ranges).
  ;; Column panels outside, row panels inside: one packed B panel (k·32 bytes) stays in L1
  ;; while the A panels stream past it.
  ;; $np: columns of C (a multiple of 4).
  (func (export "gemm") (param $ap i32) (param $bp i32) (param $c i32) (param $k i32) (param $np i32)
                        (param $ib0 i32) (param $ib1 i32) (param $jb0 i32) (param $jb1 i32)
    (local $ldc i32) (local $ib i32) (local $jb i32)
    (local.set $ldc (i32.mul (local.get $np) (i32.const 8)))
    (local.set $jb (local.get $jb0))
    (loop $J
      (local.set $ib (local.get $ib0))
      (loop $I
        (call $tile4x4
          ;; A panel ib starts at ap + ib·k·32, B panel jb at bp + jb·k·32
          (i32.add (local.get $ap) (i32.mul (local.get $ib) (i32.mul (local.get $k) (i32.const 32))))
          (i32.add (local.get $bp) (i32.mul (local.get $jb) (i32.mul (local.get $k) (i32.const 32))))
          ;; C[4·ib, 4·jb]
          (i32.add (local.get $c)
            (i32.add (i32.mul (i32.mul (local.get $ib) (i32.const 4)) (local.get $ldc))
                     (i32.mul (local.get $jb) (i32.const 32))))
          (local.get $k) (local.get $ldc))
        (local.set $ib (i32.add (local.get $ib) (i32.const 1)))
        (br_if $I (i32.lt_u (local.get $ib) (local.get $ib1))))
      (local.set $jb (i32.add (local.get $jb) (i32.const 1)))
      (br_if $J (i32.lt_u (local.get $jb) (local.get $jb1)))))

  ;; pack: copy a matrix into panels of $w rows (w = 4, for A and for B seen as op(B)ᵀ).
  ;; The source row i, entry p is at src + (i·rs + p·cs)·8, so the strides (rs, cs) say whether the
  ;; matrix is stored as is or transposed, and nothing is ever transposed in memory:
  ;;   op(A) = A (m×k): rs = k, cs = 1        op(A) = Aᵀ, A stored k×m: rs = 1, cs = m
  ;;   op(B) = B (k×n): rs = 1, cs = n        op(B) = Bᵀ, B stored n×k: rs = k, cs = 1
  ;; dst[(q·k + p)·w + r] = source[q·w + r, p] for rows < count, 0 for the padding rows of the last
  ;; panel. k >= 1.
  (func (export "pack") (param $src i32) (param $dst i32) (param $count i32) (param $k i32)
                        (param $w i32) (param $rs i32) (param $cs i32)
    (local $i i32) (local $rows i32) (local $s i32) (local $d i32) (local $end i32)
    (local $dstep i32) (local $sstep i32) (local $full i32)
    ;; rows rounded up to a whole number of panels
    (local.set $rows (i32.mul (i32.div_u (i32.add (local.get $count) (i32.sub (local.get $w) (i32.const 1)))
                                         (local.get $w))
                              (local.get $w)))
    (local.set $dstep (i32.mul (local.get $w) (i32.const 8)))
    (local.set $sstep (i32.mul (local.get $cs) (i32.const 8)))
    (local.set $i (i32.const 0))
    ;; rs = 1 and w = 4 (op(B) = B, or op(A) = Aᵀ): the 4 values of one p in a whole panel are
    ;; adjacent in the source, so they are copied as two v128 instead of one strided load each
    ;; (the forward product's B = A0: about 4× fewer loads from rows 800 bytes apart)
    (if (i32.and (i32.eq (local.get $rs) (i32.const 1)) (i32.eq (local.get $w) (i32.const 4)))
      (then
        ;; rows in whole panels
        (local.set $full (i32.and (local.get $count) (i32.const -4)))
        (block $done
          (br_if $done (i32.eqz (local.get $full)))
          (loop $panel
            ;; panel i/4 starts at dst + (i/4)·k·4·8 = dst + i·k·8; source row i at src + i·8
            (local.set $s (i32.add (local.get $src) (i32.mul (local.get $i) (i32.const 8))))
            (local.set $d (i32.add (local.get $dst) (i32.mul (i32.mul (local.get $i) (local.get $k)) (i32.const 8))))
            (local.set $end (i32.add (local.get $d) (i32.mul (local.get $k) (i32.const 32))))
            (loop $p4
              (v128.store offset=0 (local.get $d) (v128.load offset=0 (local.get $s)))
              (v128.store offset=16 (local.get $d) (v128.load offset=16 (local.get $s)))
              (local.set $s (i32.add (local.get $s) (local.get $sstep)))
              (local.set $d (i32.add (local.get $d) (i32.const 32)))
              (br_if $p4 (i32.lt_u (local.get $d) (local.get $end))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br_if $panel (i32.lt_u (local.get $i) (local.get $full)))))))
    ;; the other rows (all of them unless the fast path ran) one value at a time
    (if (i32.ge_u (local.get $i) (local.get $rows)) (then (return)))
    (loop $row
      ;; d: first slot of row i in its panel: dst + ((i / w)·k·w + i % w)·8
      (local.set $d (i32.add (local.get $dst)
        (i32.mul (i32.add (i32.mul (i32.div_u (local.get $i) (local.get $w)) (i32.mul (local.get $k) (local.get $w)))
                          (i32.rem_u (local.get $i) (local.get $w)))
                 (i32.const 8))))
      (local.set $end (i32.add (local.get $d) (i32.mul (local.get $k) (local.get $dstep))))
      (if (i32.lt_u (local.get $i) (local.get $count))
        (then
          (local.set $s (i32.add (local.get $src) (i32.mul (i32.mul (local.get $i) (local.get $rs)) (i32.const 8))))
          (loop $p
            (f64.store (local.get $d) (f64.load (local.get $s)))
            (local.set $s (i32.add (local.get $s) (local.get $sstep)))
            (local.set $d (i32.add (local.get $d) (local.get $dstep)))
            (br_if $p (i32.lt_u (local.get $d) (local.get $end)))))
        (else
          (loop $z
            (f64.store (local.get $d) (f64.const 0))
            (local.set $d (i32.add (local.get $d) (local.get $dstep)))
            (br_if $z (i32.lt_u (local.get $d) (local.get $end))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $row (i32.lt_u (local.get $i) (local.get $rows)))))

  ;; axpy: y[i] := y[i] + alpha·x[i] for i = 0..n−1 (the update W := W + η·ΔW). Two entries at a
  ;; time; each is one multiply and one add, each rounded to float64, as `y[i] += alpha * x[i]` in
  ;; JavaScript (WebAssembly never fuses them), so the bits are the same.
  (func $axpy (export "axpy") (param $y i32) (param $x i32) (param $n i32) (param $alpha f64)
    (local $a v128) (local $end i32) (local $pairs i32)
    (local.set $a (f64x2.splat (local.get $alpha)))
    (local.set $end (i32.add (local.get $y) (i32.mul (local.get $n) (i32.const 8))))
    ;; end of the whole pairs
    (local.set $pairs (i32.add (local.get $y) (i32.mul (i32.and (local.get $n) (i32.const -2)) (i32.const 8))))
    (block $done
      (br_if $done (i32.ge_u (local.get $y) (local.get $pairs)))
      (loop $two
        (v128.store (local.get $y)
          (f64x2.add (v128.load (local.get $y)) (f64x2.mul (local.get $a) (v128.load (local.get $x)))))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br_if $two (i32.lt_u (local.get $y) (local.get $pairs)))))
    ;; an odd n leaves one entry
    (if (i32.lt_u (local.get $y) (local.get $end))
      (then
        (f64.store (local.get $y)
          (f64.add (f64.load (local.get $y)) (f64.mul (local.get $alpha) (f64.load (local.get $x))))))))
)
