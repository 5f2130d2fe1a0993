// Seeded random numbers. Nothing in this library uses Math.random.
//
// Random is numpy's legacy generator (NumpyRandom, src/numpy-random.ts: MT19937, the draws the
// course's weights come from) plus normal draws, with numpy's formulas. Mode "mulberry32" swaps the
// 32-bit source for a tiny generator (one line of state) when numpy compatibility does not matter;
// the same formulas then run on its outputs.

import { Matrix } from "./matrix";
import { NumpyRandom } from "./numpy-random";

/** Generator modes: numpy-compatible MT19937, or the small mulberry32. */
export type RandomMode = "numpy" | "mulberry32";

/**
 * A seeded random generator.
 * Example: `const rng = new Random(1); rng.random() // 0.417022004702574 (numpy: np.random.seed(1); np.random.random())`
 */
export class Random extends NumpyRandom {
  /** "numpy" (MT19937, numpy legacy compatible) or "mulberry32". */
  readonly mode: RandomMode;
  private m32 = 0;
  private hasGauss = false;
  private gauss = 0;
  /** Seeds the generator; seed must be an integer in [0, 2³²). Example: `new Random(1)` */
  constructor(seed: number, mode: RandomMode = "numpy") {
    super(seed);
    if (mode !== "numpy" && mode !== "mulberry32") {
      throw new Error(`Random: unknown mode "${String(mode)}" (known: numpy, mulberry32)`);
    }
    this.mode = mode;
    this.m32 = seed >>> 0;
  }
  /** The next raw 32-bit unsigned integer. Example: `new Random(1).nextUint32() // 1791095845` */
  override nextUint32(): number {
    if (this.mode === "numpy") return super.nextUint32();
    let t = (this.m32 = (this.m32 + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** A double in [lo, hi); numpy: `np.random.uniform(lo, hi)` = lo + (hi − lo)·random(). Example: `rng.uniform(-1, 1)` */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.random();
  }

  /**
   * A standard normal draw by the polar (Marsaglia) method, numpy's legacy gauss: draws
   * x1, x2 = 2·random() − 1 until 0 < r² = x1² + x2² < 1, returns x2·f and keeps x1·f for the
   * next call, f = √(−2 ln r² / r²). Matches `np.random.standard_normal()` / `np.random.normal(mu, sigma)`
   * draw for draw and keeps the stream in step; values agree to ~1e-16 (about 97% bit for bit — V8's
   * Math.log can differ from C's log in the last bit). Example: `rng.normal(0, 0.1)`
   */
  normal(mean = 0, std = 1): number {
    let z: number;
    if (this.hasGauss) {
      this.hasGauss = false;
      z = this.gauss;
    } else {
      let x1: number, x2: number, r2: number;
      do {
        x1 = 2 * this.random() - 1;
        x2 = 2 * this.random() - 1;
        r2 = x1 * x1 + x2 * x2;
      } while (r2 >= 1 || r2 === 0);
      const f = Math.sqrt((-2 * Math.log(r2)) / r2);
      this.gauss = f * x1;
      this.hasGauss = true;
      z = f * x2;
    }
    return mean + std * z;
  }
  /** An (r×c) matrix of normal(mean, std) draws, row-major; numpy: `np.random.normal(mean, std, (r, c))`. Example: `rng.normalMatrix(2, 2)` */
  normalMatrix(r: number, c: number, mean = 0, std = 1): Matrix {
    const out = new Matrix(r, c);
    for (let k = 0; k < out.data.length; k++) out.data[k] = this.normal(mean, std);
    return out;
  }
}
