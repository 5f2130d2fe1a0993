;; matmul.wat: float64 matrix product C = op(A)·op(B) with WebAssembly SIMD (f64x2).
;;
;; Built into src/kernels/matmul-wasm.ts by `node tools/build-wasm.mjs` (wabt's wat2wasm);
;; test/kernels.test.ts rebuilds it and fails if the committed bytes are stale.
;;
;; The JavaScript side (src/kernels/wasm.ts) copies A and B into this module's memory (or finds
;; them there already: NeuralNetwork.fit keeps its buffers resident in this memory), calls `pack`
;; twice and then `gemm` (from the main thread and, for large products, from worker threads that
;; share the memory; a thread then packs the panels of its own chunk), and copies C out.
;; `axpy` is the training update W := W + η·ΔW on resident buffers. The second half of the file
;; (`trainStep`, `trainEpochs`, `activate`, `exp`) is the training of small networks, whose
;; products are too small for the panels above: see the comment before `exp`.
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

  ;; ---------------------------------------------------------------------------------------------
  ;; The training step of small networks (NeuralNetwork.fit when every product is tiny, e.g. the
  ;; course's XOR net [2,4,1]): the whole forward → backward → update of train.ts's trainStep in one
  ;; call, so that an epoch costs one call instead of dozens of JavaScript loops of 2 to 16 trips.
  ;; It does trainStep's operations in trainStep's order, so fit ends with the same bits:
  ;;   - every product entry is 0 + a0·b0 + a1·b1 + … in p order (the reference kernel's sums);
  ;;   - sigmoid is activations.ts's sigmoidScalar, with $exp below, which gives V8's Math.exp bits;
  ;;   - the other elementwise steps are trainStep's formulas, one rounding per operation.
  ;;
  ;; The plan (i32 words at $plan, written by train.ts): L, w (batch columns), flags (1 = bias,
  ;; 4 = cross-entropy), address of Y; then per layer l = 1..L twelve words: n_l, n_{l−1},
  ;; activation (0 sigmoid, 2 relu, 3 identity), addresses of W, b, Z, A, E, dZ, dW, db, A[l−1].
  ;; For cross-entropy dZ[L] is E[L]'s address (dZ[L] = E[L], as in trainStep).

  ;; e^x, computed as V8's Math.exp computes it (src/base/ieee754.cc: fdlibm's e_exp.c, the method
  ;; of Sun Microsystems' freely distributable fdlibm), so that the bits are the same: reduce
  ;; x = k·ln2 + r with |r| <= ln2/2 (r = hi − lo, ln2 in two parts), approximate e^r with a
  ;; rational function of r, scale by 2^k. test/kernels.test.ts compares it with Math.exp.
  (func $exp (export "exp") (param $x f64) (result f64)
    (local $hx i32) (local $neg i32) (local $k i32) (local $hi f64) (local $lo f64)
    (local $t f64) (local $c f64) (local $y f64)
    (local.set $hx (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get $x)) (i64.const 32))))
    (local.set $neg (i32.shr_u (local.get $hx) (i32.const 31)))
    (local.set $hx (i32.and (local.get $hx) (i32.const 0x7fffffff)))
    ;; |x| >= 709.78…: NaN, ±∞, overflow, underflow
    (if (i32.ge_u (local.get $hx) (i32.const 0x40862e42))
      (then
        (if (i32.ge_u (local.get $hx) (i32.const 0x7ff00000))
          (then
            (if (f64.ne (local.get $x) (local.get $x)) (then (return (f64.add (local.get $x) (local.get $x)))))
            (return (select (f64.const 0) (local.get $x) (local.get $neg)))))
        (if (f64.gt (local.get $x) (f64.const 0x1.62e42fefa39efp+9)) (then (return (f64.const inf))))
        (if (f64.lt (local.get $x) (f64.const -0x1.74910d52d3051p+9)) (then (return (f64.const 0))))))
    (if (i32.gt_u (local.get $hx) (i32.const 0x3fd62e42))
      (then
        ;; |x| > ln2/2: reduce
        (if (i32.lt_u (local.get $hx) (i32.const 0x3ff0a2b2))
          (then
            ;; |x| < 1.5·ln2: k = ±1
            (if (f64.eq (local.get $x) (f64.const 1)) (then (return (f64.const 0x1.5bf0a8b145769p+1))))
            (if (local.get $neg)
              (then
                (local.set $hi (f64.sub (local.get $x) (f64.const -0x1.62e42feep-1)))
                (local.set $lo (f64.const -0x1.a39ef35793c76p-33))
                (local.set $k (i32.const -1)))
              (else
                (local.set $hi (f64.sub (local.get $x) (f64.const 0x1.62e42feep-1)))
                (local.set $lo (f64.const 0x1.a39ef35793c76p-33))
                (local.set $k (i32.const 1)))))
          (else
            ;; k = trunc(x/ln2 ± 1/2)
            (local.set $k (i32.trunc_f64_s
              (f64.add (f64.mul (f64.const 0x1.71547652b82fep+0) (local.get $x))
                       (select (f64.const -0.5) (f64.const 0.5) (local.get $neg)))))
            (local.set $t (f64.convert_i32_s (local.get $k)))
            (local.set $hi (f64.sub (local.get $x) (f64.mul (local.get $t) (f64.const 0x1.62e42feep-1))))
            (local.set $lo (f64.mul (local.get $t) (f64.const 0x1.a39ef35793c76p-33)))))
        (local.set $x (f64.sub (local.get $hi) (local.get $lo))))
      (else
        ;; |x| < 2^-28: 1 + x
        (if (i32.lt_u (local.get $hx) (i32.const 0x3e300000))
          (then (return (f64.add (f64.const 1) (local.get $x)))))))
    ;; e^r ≈ 1 + 2r / (R(r²) − r), R from the polynomial P1..P5
    (local.set $t (f64.mul (local.get $x) (local.get $x)))
    (local.set $c (f64.sub (local.get $x)
      (f64.mul (local.get $t)
        (f64.add (f64.const 0x1.555555555553ep-3)
          (f64.mul (local.get $t)
            (f64.add (f64.const -0x1.6c16c16bebd93p-9)
              (f64.mul (local.get $t)
                (f64.add (f64.const 0x1.1566aaf25de2cp-14)
                  (f64.mul (local.get $t)
                    (f64.add (f64.const -0x1.bbd41c5d26bf1p-20)
                      (f64.mul (local.get $t) (f64.const 0x1.6376972bea4d0p-25))))))))))))
    (if (i32.eqz (local.get $k))
      (then
        (return (f64.sub (f64.const 1)
          (f64.sub (f64.div (f64.mul (local.get $x) (local.get $c)) (f64.sub (local.get $c) (f64.const 2)))
                   (local.get $x))))))
    (local.set $y (f64.sub (f64.const 1)
      (f64.sub
        (f64.sub (local.get $lo)
                 (f64.div (f64.mul (local.get $x) (local.get $c)) (f64.sub (f64.const 2) (local.get $c))))
        (local.get $hi))))
    ;; × 2^k (k = 1024 in two steps; k < −1021 through 2^(k+1000) · 2^−1000)
    (if (i32.ge_s (local.get $k) (i32.const -1021))
      (then
        (if (i32.eq (local.get $k) (i32.const 1024))
          (then (return (f64.mul (f64.mul (local.get $y) (f64.const 2)) (f64.const 0x1p1023)))))
        (return (f64.mul (local.get $y)
          (f64.reinterpret_i64 (i64.shl (i64.extend_i32_s (i32.add (local.get $k) (i32.const 1023))) (i64.const 52)))))))
    (f64.mul
      (f64.mul (local.get $y)
        (f64.reinterpret_i64 (i64.shl (i64.extend_i32_s (i32.add (local.get $k) (i32.const 2023))) (i64.const 52))))
      (f64.const 0x1p-1000)))



  ;; σ(x), as activations.ts's sigmoidScalar: 1 / (1 + e^−x) for x >= 0, e^x / (1 + e^x) below
  (func $sigmoid (param $x f64) (result f64) (local $e f64)
    (if (result f64) (f64.ge (local.get $x) (f64.const 0))
      (then (f64.div (f64.const 1) (f64.add (f64.const 1) (call $exp (f64.neg (local.get $x))))))
      (else
        (local.set $e (call $exp (local.get $x)))
        (f64.div (local.get $e) (f64.add (f64.const 1) (local.get $e))))))

  ;; σ of two values at once, the same bits as $sigmoid on each. Both of σ's branches exponentiate
  ;; −|x|, so σ(x) = (x >= 0 ? 1 : e) / (1 + e) with e = e^−|x|, and $exp's steps run on both lanes
  ;; without branches: a lane with |x| <= ln2/2 gets k = 0, so r = x − 0 − 0 = x and 2^k = 1, which
  ;; gives the same number as $exp's own k = 0 formula ((r·c)/(c − 2) is −((r·c)/(2 − c)) exactly,
  ;; and 0 − q = −q for q ≠ 0); for 0.5·ln2 < |x| < 1.5·ln2 the general reduction with k = −1 does
  ;; the same operations as $exp's special case. A pair with a lane outside 2^−28 <= |x| < 708 (or a
  ;; NaN), where $exp takes other branches, goes to $sigmoid lane by lane.
  (func $sigmoid2 (param $x v128) (result v128)
    (local $ax v128) (local $v v128) (local $kt v128) (local $m v128) (local $kf v128) (local $ki v128)
    (local $hi v128) (local $lo v128) (local $r v128) (local $t v128) (local $c v128) (local $e v128)
    (local.set $ax (f64x2.abs (local.get $x)))
    (if (v128.any_true (v128.or
          (v128.not (f64x2.lt (local.get $ax) (f64x2.splat (f64.const 708))))
          (f64x2.lt (local.get $ax) (f64x2.splat (f64.const 0x1p-28)))))
      (then
        (return (f64x2.replace_lane 1
          (f64x2.splat (call $sigmoid (f64x2.extract_lane 0 (local.get $x))))
          (call $sigmoid (f64x2.extract_lane 1 (local.get $x)))))))
    (local.set $v (f64x2.neg (local.get $ax)))
    ;; k = trunc(v/ln2 − 1/2) where |v| > ln2/2 (high word above 0x3fd62e42), else 0
    (local.set $kt (i32x4.trunc_sat_f64x2_s_zero
      (f64x2.add (f64x2.mul (f64x2.splat (f64.const 0x1.71547652b82fep+0)) (local.get $v)) (f64x2.splat (f64.const -0.5)))))
    (local.set $m (f64x2.ge (local.get $ax) (f64x2.splat (f64.const 0x1.62e43p-2))))
    (local.set $kf (v128.and (f64x2.convert_low_i32x4_s (local.get $kt)) (local.get $m)))
    (local.set $ki (v128.and (i64x2.extend_low_i32x4_s (local.get $kt)) (local.get $m)))
    (local.set $hi (f64x2.sub (local.get $v) (f64x2.mul (local.get $kf) (f64x2.splat (f64.const 0x1.62e42feep-1)))))
    (local.set $lo (f64x2.mul (local.get $kf) (f64x2.splat (f64.const 0x1.a39ef35793c76p-33))))
    (local.set $r (f64x2.sub (local.get $hi) (local.get $lo)))
    (local.set $t (f64x2.mul (local.get $r) (local.get $r)))
    (local.set $c (f64x2.sub (local.get $r)
      (f64x2.mul (local.get $t)
        (f64x2.add (f64x2.splat (f64.const 0x1.555555555553ep-3))
          (f64x2.mul (local.get $t)
            (f64x2.add (f64x2.splat (f64.const -0x1.6c16c16bebd93p-9))
              (f64x2.mul (local.get $t)
                (f64x2.add (f64x2.splat (f64.const 0x1.1566aaf25de2cp-14))
                  (f64x2.mul (local.get $t)
                    (f64x2.add (f64x2.splat (f64.const -0x1.bbd41c5d26bf1p-20))
                      (f64x2.mul (local.get $t) (f64x2.splat (f64.const 0x1.6376972bea4d0p-25)))))))))))))
    ;; e = (1 − ((lo − (r·c)/(2 − c)) − hi)) · 2^k
    (local.set $e (f64x2.mul
      (f64x2.sub (f64x2.splat (f64.const 1))
        (f64x2.sub
          (f64x2.sub (local.get $lo)
            (f64x2.div (f64x2.mul (local.get $r) (local.get $c)) (f64x2.sub (f64x2.splat (f64.const 2)) (local.get $c))))
          (local.get $hi)))
      (i64x2.shl (i64x2.add (local.get $ki) (i64x2.splat (i64.const 1023))) (i32.const 52))))
    (f64x2.div
      (v128.bitselect (f64x2.splat (f64.const 1)) (local.get $e) (f64x2.ge (local.get $x) (f64x2.splat (f64.const 0))))
      (f64x2.add (f64x2.splat (f64.const 1)) (local.get $e))))

  ;; a[0..n) = g(z[0..n)): act 0 sigmoid (two at a time), 2 ReLU (z > 0 ? z : 0), 3 identity (a copy)
  (func $activate (export "activate") (param $z i32) (param $a i32) (param $n i32) (param $act i32)
    (local $end i32) (local $pairs i32) (local $v f64)
    (local.set $end (i32.add (local.get $z) (i32.shl (local.get $n) (i32.const 3))))
    (if (i32.eqz (local.get $act))
      (then
        (local.set $pairs (i32.add (local.get $z) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
        (block $done
          (br_if $done (i32.ge_u (local.get $z) (local.get $pairs)))
          (loop $two
            (v128.store (local.get $a) (call $sigmoid2 (v128.load (local.get $z))))
            (local.set $z (i32.add (local.get $z) (i32.const 16)))
            (local.set $a (i32.add (local.get $a) (i32.const 16)))
            (br_if $two (i32.lt_u (local.get $z) (local.get $pairs)))))
        (if (i32.lt_u (local.get $z) (local.get $end))
          (then (f64.store (local.get $a) (call $sigmoid (f64.load (local.get $z))))))
        (return)))
    (block $done
      (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
      (loop $one
        (local.set $v (f64.load (local.get $z)))
        (f64.store (local.get $a)
          (select (select (local.get $v) (f64.const 0) (f64.gt (local.get $v) (f64.const 0)))
                  (local.get $v)
                  (i32.eq (local.get $act) (i32.const 2))))
        (local.set $z (i32.add (local.get $z) (i32.const 8)))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (br_if $one (i32.lt_u (local.get $z) (local.get $end))))))

  ;; dZ = E ⊙ g'(Z) on n entries, g' as trainStep's derivativeInto: sigmoid A(1 − A) (act 0),
  ;; ReLU (Z > 0 ? 1 : 0) (act 2), identity 1 (act 3); two at a time, the same operations per entry
  (func $derivative (param $e i32) (param $a i32) (param $z i32) (param $d i32) (param $n i32) (param $act i32)
    (local $end i32) (local $s v128) (local $g v128)
    (local.set $end (i32.add (local.get $e) (i32.shl (local.get $n) (i32.const 3))))
    ;; (an odd n: the last pair's second lane reads the 8 bytes past the end, which are inside the
    ;; allocation: train.ts's arena rounds every array up to 16 bytes; that lane is not stored)
    (loop $two
      (local.set $s (v128.load (local.get $a)))
      (local.set $g
        (if (result v128) (i32.eqz (local.get $act))
          (then (f64x2.mul (local.get $s) (f64x2.sub (f64x2.splat (f64.const 1)) (local.get $s))))
          (else
            (if (result v128) (i32.eq (local.get $act) (i32.const 2))
              (then (v128.bitselect (f64x2.splat (f64.const 1)) (f64x2.splat (f64.const 0))
                      (f64x2.gt (v128.load (local.get $z)) (f64x2.splat (f64.const 0)))))
              (else (f64x2.splat (f64.const 1)))))))
      (local.set $g (f64x2.mul (v128.load (local.get $e)) (local.get $g)))
      (if (i32.lt_u (i32.add (local.get $e) (i32.const 8)) (local.get $end))
        (then (v128.store (local.get $d) (local.get $g)))
        (else (f64.store (local.get $d) (f64x2.extract_lane 0 (local.get $g)))))
      (local.set $e (i32.add (local.get $e) (i32.const 16)))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $z (i32.add (local.get $z) (i32.const 16)))
      (local.set $d (i32.add (local.get $d) (i32.const 16)))
      (br_if $two (i32.lt_u (local.get $e) (local.get $end)))))

  ;; out (m×n, row-major, contiguous) = op(a)·op(b), each entry 0 + Σ_p op(a)[i,p]·op(b)[p,j] in
  ;; p order. op(a)[i,p] is at a + i·$ai + p·$ap, op(b)[p,j] at b + p·$bp + j·$bj (strides in bytes),
  ;; which covers W·A, Wᵀ·E and dZ·Aᵀ without transposing anything. m, n >= 1.
  (func $product (param $out i32) (param $a i32) (param $b i32) (param $m i32) (param $k i32) (param $n i32)
                 (param $ai i32) (param $ap i32) (param $bp i32) (param $bj i32)
    (local $i i32) (local $j i32) (local $p i32) (local $s f64) (local $x i32) (local $y i32)
    (loop $rows
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $s (f64.const 0))
        (local.set $x (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $ai))))
        (local.set $y (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $bj))))
        (local.set $p (local.get $k))
        (block $sum_done
          (br_if $sum_done (i32.eqz (local.get $p)))
          (loop $sum
            (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $x)) (f64.load (local.get $y)))))
            (local.set $x (i32.add (local.get $x) (local.get $ap)))
            (local.set $y (i32.add (local.get $y) (local.get $bp)))
            (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (br_if $sum (local.get $p))))
        (f64.store (local.get $out) (local.get $s))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (local.get $m)))))

  ;; $product for an op(b) whose rows are contiguous ($bj = 8): two columns of out at a time, each
  ;; lane the same sum in the same order. m, n >= 1.
  (func $productRows (param $out i32) (param $a i32) (param $b i32) (param $m i32) (param $k i32) (param $n i32)
                     (param $ai i32) (param $ap i32) (param $bp i32)
    (local $i i32) (local $j i32) (local $p i32) (local $x i32) (local $y i32) (local $row i32)
    (local $acc v128)
    (loop $rows
      (local.set $row (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $ai))))
      (local.set $j (i32.const 0))
      (block $pairs_done
        (br_if $pairs_done (i32.gt_u (i32.const 2) (local.get $n)))
        (loop $pairs
          (local.set $acc (f64x2.splat (f64.const 0)))
          (local.set $x (local.get $row))
          (local.set $y (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
          (local.set $p (local.get $k))
          (block $sum_done
            (br_if $sum_done (i32.eqz (local.get $p)))
            (loop $sum
              (local.set $acc (f64x2.add (local.get $acc)
                (f64x2.mul (f64x2.splat (f64.load (local.get $x))) (v128.load (local.get $y)))))
              (local.set $x (i32.add (local.get $x) (local.get $ap)))
              (local.set $y (i32.add (local.get $y) (local.get $bp)))
              (local.set $p (i32.sub (local.get $p) (i32.const 1)))
              (br_if $sum (local.get $p))))
          (v128.store (local.get $out) (local.get $acc))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (local.set $j (i32.add (local.get $j) (i32.const 2)))
          (br_if $pairs (i32.le_u (i32.add (local.get $j) (i32.const 2)) (local.get $n)))))
      ;; an odd n: the last column by $product (one entry)
      (if (i32.lt_u (local.get $j) (local.get $n))
        (then
          (call $product (local.get $out) (local.get $row) (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3)))
            (i32.const 1) (local.get $k) (i32.const 1) (i32.const 0) (local.get $ap) (local.get $bp) (i32.const 8))
          (local.set $out (i32.add (local.get $out) (i32.const 8)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (local.get $m)))))

  ;; train.ts's countCorrect on A, Y (r × c): one row, A >= 0.5 vs Y >= 0.5; several rows, the
  ;; first row of the largest entry of each column of A vs of Y
  (func $countCorrect (param $A i32) (param $Y i32) (param $r i32) (param $c i32) (result i32)
    (local $j i32) (local $i i32) (local $n i32) (local $q i32)
    (local $bestA i32) (local $bestY i32) (local $va f64) (local $vy f64) (local $bestAV f64) (local $bestYV f64)
    (if (i32.eq (local.get $r) (i32.const 1))
      (then
        (loop $one
          (local.set $q (i32.shl (local.get $j) (i32.const 3)))
          (local.set $n (i32.add (local.get $n)
            (i32.eq (f64.ge (f64.load (i32.add (local.get $A) (local.get $q))) (f64.const 0.5))
                    (f64.ge (f64.load (i32.add (local.get $Y) (local.get $q))) (f64.const 0.5)))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $one (i32.lt_u (local.get $j) (local.get $c))))
        (return (local.get $n))))
    (loop $cols
      (local.set $bestA (i32.const 0))
      (local.set $bestY (i32.const 0))
      (local.set $bestAV (f64.const -inf))
      (local.set $bestYV (f64.const -inf))
      (local.set $i (i32.const 0))
      (loop $rows
        (local.set $q (i32.shl (i32.add (i32.mul (local.get $i) (local.get $c)) (local.get $j)) (i32.const 3)))
        (local.set $va (f64.load (i32.add (local.get $A) (local.get $q))))
        (local.set $vy (f64.load (i32.add (local.get $Y) (local.get $q))))
        (if (f64.gt (local.get $va) (local.get $bestAV))
          (then (local.set $bestAV (local.get $va)) (local.set $bestA (local.get $i))))
        (if (f64.gt (local.get $vy) (local.get $bestYV))
          (then (local.set $bestYV (local.get $vy)) (local.set $bestY (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $i) (local.get $r))))
      (local.set $n (i32.add (local.get $n) (i32.eq (local.get $bestA) (local.get $bestY))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br_if $cols (i32.lt_u (local.get $j) (local.get $c))))
    (local.get $n))

  ;; One training step with the plan at $plan (see above) and learning rate $eta; $exact = 1 for
  ;; backprop "exact" (E[l] = W[l+1]ᵀ·dZ[l+1]), 0 for "lecture" (E[l] = W[l+1]ᵀ·E[l+1]).
  ;; Returns Σ E[L]² in storage order (train.ts's squaredSum), the cost's sum for this batch.
  (func $step (export "trainStep") (param $plan i32) (param $eta f64) (param $exact i32) (result f64)
    (local $L i32) (local $w i32) (local $flags i32) (local $l i32) (local $lp i32)
    (local $n i32) (local $np i32) (local $cnt i32) (local $b i32) (local $Z i32) (local $A i32)
    (local $E i32) (local $dZ i32) (local $db i32) (local $i i32) (local $q i32) (local $end i32)
    (local $v f64) (local $s f64)
    (local.set $L (i32.load (local.get $plan)))
    (local.set $w (i32.load offset=4 (local.get $plan)))
    (local.set $flags (i32.load offset=8 (local.get $plan)))

    ;; forward: Z[l] = W[l]·A[l−1] (+ b[l]), A[l] = g(Z[l])
    (local.set $l (i32.const 1))
    (loop $fwd
      (local.set $lp (i32.add (local.get $plan) (i32.sub (i32.mul (local.get $l) (i32.const 48)) (i32.const 32))))
      (local.set $n (i32.load (local.get $lp)))
      (local.set $np (i32.load offset=4 (local.get $lp)))
      (local.set $Z (i32.load offset=20 (local.get $lp)))
      (call $productRows (local.get $Z) (i32.load offset=12 (local.get $lp)) (i32.load offset=44 (local.get $lp))
        (local.get $n) (local.get $np) (local.get $w)
        (i32.shl (local.get $np) (i32.const 3)) (i32.const 8) (i32.shl (local.get $w) (i32.const 3)))
      (if (i32.and (local.get $flags) (i32.const 1))
        (then
          ;; Z[i, j] := Z[i, j] + b[i]
          (local.set $b (i32.load offset=16 (local.get $lp)))
          (local.set $q (local.get $Z))
          (local.set $i (i32.const 0))
          (loop $bias_rows
            (local.set $v (f64.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 3)))))
            (local.set $end (i32.add (local.get $q) (i32.shl (local.get $w) (i32.const 3))))
            (loop $bias_cols
              (f64.store (local.get $q) (f64.add (f64.load (local.get $q)) (local.get $v)))
              (local.set $q (i32.add (local.get $q) (i32.const 8)))
              (br_if $bias_cols (i32.lt_u (local.get $q) (local.get $end))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $bias_rows (i32.lt_u (local.get $i) (local.get $n))))))
      (call $activate (local.get $Z) (i32.load offset=24 (local.get $lp)) (i32.mul (local.get $n) (local.get $w))
        (i32.load offset=8 (local.get $lp)))
      (local.set $l (i32.add (local.get $l) (i32.const 1)))
      (br_if $fwd (i32.le_u (local.get $l) (local.get $L))))

    ;; output error E[L] = Y − A[L], and its sum of squares
    (local.set $lp (i32.add (local.get $plan) (i32.sub (i32.mul (local.get $L) (i32.const 48)) (i32.const 32))))
    (local.set $A (i32.load offset=24 (local.get $lp)))
    (local.set $E (i32.load offset=28 (local.get $lp)))
    (local.set $q (i32.load offset=12 (local.get $plan)))
    (local.set $end (i32.add (local.get $E) (i32.shl (i32.mul (i32.load (local.get $lp)) (local.get $w)) (i32.const 3))))
    (loop $err
      (local.set $v (f64.sub (f64.load (local.get $q)) (f64.load (local.get $A))))
      (f64.store (local.get $E) (local.get $v))
      (local.set $s (f64.add (local.get $s) (f64.mul (local.get $v) (local.get $v))))
      (local.set $q (i32.add (local.get $q) (i32.const 8)))
      (local.set $A (i32.add (local.get $A) (i32.const 8)))
      (local.set $E (i32.add (local.get $E) (i32.const 8)))
      (br_if $err (i32.lt_u (local.get $E) (local.get $end))))

    ;; backward, l = L..1
    (local.set $l (local.get $L))
    (loop $bwd
      (local.set $lp (i32.add (local.get $plan) (i32.sub (i32.mul (local.get $l) (i32.const 48)) (i32.const 32))))
      (local.set $n (i32.load (local.get $lp)))
      (local.set $np (i32.load offset=4 (local.get $lp)))
      (local.set $E (i32.load offset=28 (local.get $lp)))
      (local.set $dZ (i32.load offset=32 (local.get $lp)))
      (local.set $cnt (i32.mul (local.get $n) (local.get $w)))
      (if (i32.lt_u (local.get $l) (local.get $L))
        (then
          ;; hidden error E[l] = W[l+1]ᵀ·S, S = dZ[l+1] (exact) or E[l+1] (lecture); W[l+1] is n_{l+1} × n_l
          (call $productRows (local.get $E)
            (i32.load offset=60 (local.get $lp))
            (if (result i32) (local.get $exact)
              (then (i32.load offset=80 (local.get $lp)))
              (else (i32.load offset=76 (local.get $lp))))
            (local.get $n) (i32.load offset=48 (local.get $lp)) (local.get $w)
            (i32.const 8) (i32.shl (local.get $n) (i32.const 3)) (i32.shl (local.get $w) (i32.const 3)))))
      ;; dZ[l] = E[l] ⊙ g'(Z[l]); for cross-entropy, dZ[L] is E[L] itself
      (if (i32.eqz (i32.and (i32.eq (local.get $l) (local.get $L)) (i32.ne (i32.and (local.get $flags) (i32.const 4)) (i32.const 0))))
        (then
          (call $derivative (local.get $E) (i32.load offset=24 (local.get $lp)) (i32.load offset=20 (local.get $lp))
            (local.get $dZ) (local.get $cnt) (i32.load offset=8 (local.get $lp)))))
      ;; dW[l] = dZ[l]·A[l−1]ᵀ: (n_l × w)·(w × n_{l−1})
      (call $product (i32.load offset=36 (local.get $lp)) (local.get $dZ) (i32.load offset=44 (local.get $lp))
        (local.get $n) (local.get $w) (local.get $np)
        (i32.shl (local.get $w) (i32.const 3)) (i32.const 8) (i32.const 8) (i32.shl (local.get $w) (i32.const 3)))
      ;; db[l][i] = 0 + Σ_j dZ[l][i, j]
      (if (i32.and (local.get $flags) (i32.const 1))
        (then
          (local.set $db (i32.load offset=40 (local.get $lp)))
          (local.set $q (local.get $dZ))
          (local.set $i (i32.const 0))
          (loop $db_rows
            (local.set $v (f64.const 0))
            (local.set $end (i32.add (local.get $q) (i32.shl (local.get $w) (i32.const 3))))
            (loop $db_cols
              (local.set $v (f64.add (local.get $v) (f64.load (local.get $q))))
              (local.set $q (i32.add (local.get $q) (i32.const 8)))
              (br_if $db_cols (i32.lt_u (local.get $q) (local.get $end))))
            (f64.store (i32.add (local.get $db) (i32.shl (local.get $i) (i32.const 3))) (local.get $v))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $db_rows (i32.lt_u (local.get $i) (local.get $n))))))
      (local.set $l (i32.sub (local.get $l) (i32.const 1)))
      (br_if $bwd (local.get $l)))

    ;; update: W[l] := W[l] + η·dW[l], b[l] := b[l] + η·db[l]
    (local.set $l (i32.const 1))
    (loop $upd
      (local.set $lp (i32.add (local.get $plan) (i32.sub (i32.mul (local.get $l) (i32.const 48)) (i32.const 32))))
      (local.set $n (i32.load (local.get $lp)))
      (call $axpy (i32.load offset=12 (local.get $lp)) (i32.load offset=36 (local.get $lp))
        (i32.mul (local.get $n) (i32.load offset=4 (local.get $lp))) (local.get $eta))
      (if (i32.and (local.get $flags) (i32.const 1))
        (then (call $axpy (i32.load offset=16 (local.get $lp)) (i32.load offset=40 (local.get $lp)) (local.get $n) (local.get $eta))))
      (local.set $l (i32.add (local.get $l) (i32.const 1)))
      (br_if $upd (i32.le_u (local.get $l) (local.get $L))))
    (local.get $s))

  ;; $epochs full-batch epochs of $step (the plan's A[0] and Y hold the whole data set): epoch e
  ;; writes its Σ E[L]² and its count of correct columns (of A[L] before the update, as fit counts
  ;; them) to $log[2e] and $log[2e + 1] (float64). Stops after an epoch whose sum is not finite
  ;; (fit then reports the divergence). Returns the number of epochs run.
  (func (export "trainEpochs") (param $plan i32) (param $eta f64) (param $exact i32) (param $epochs i32) (param $log i32) (result i32)
    (local $e i32) (local $s f64) (local $lp i32)
    (local.set $lp (i32.add (local.get $plan) (i32.sub (i32.mul (i32.load (local.get $plan)) (i32.const 48)) (i32.const 32))))
    (block $done
      (br_if $done (i32.eqz (local.get $epochs)))
      (loop $epoch
        (local.set $s (call $step (local.get $plan) (local.get $eta) (local.get $exact)))
        (f64.store (local.get $log) (local.get $s))
        (f64.store offset=8 (local.get $log)
          (f64.convert_i32_u (call $countCorrect (i32.load offset=24 (local.get $lp)) (i32.load offset=12 (local.get $plan))
            (i32.load (local.get $lp)) (i32.load offset=4 (local.get $plan)))))
        (local.set $log (i32.add (local.get $log) (i32.const 16)))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        ;; s − s is 0 for a finite s, NaN otherwise
        (br_if $done (f64.ne (f64.sub (local.get $s) (local.get $s)) (f64.const 0)))
        (br_if $epoch (i32.lt_u (local.get $e) (local.get $epochs)))))
    (local.get $e))
)
