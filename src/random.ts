// Seeded random numbers. Nothing in this library uses Math.random.
//
// Mode "numpy" (the default) is the Mersenne Twister MT19937 exactly as numpy's legacy
// generator uses it, so `new Random(s)` followed by the same calls gives the same doubles as
// `np.random.seed(s)` followed by the numpy calls named in each method's doc:
//   seed:     MT19937 init_genrand(s) (numpy's `mt19937_seed`)
//   random(): ((a >>> 5)·67108864 + (b >>> 6)) / 2^53 from two 32-bit outputs a, b
//   arrays are filled in row-major order.
// Mode "mulberry32" is a tiny 32-bit generator (one line of state) for when numpy
// compatibility does not matter; it uses the same formulas on top of its 32-bit outputs.

import { Matrix } from "./matrix";

/** Generator modes: numpy-compatible MT19937, or the small mulberry32. */
export type RandomMode = "numpy" | "mulberry32";

const N = 624;
const M = 397;

/**
 * A seeded random generator.
 * Example: `const rng = new Random(1); rng.random() // 0.417022004702574 (numpy: np.random.seed(1); np.random.random())`
 */
export class Random {
  /** The seed this generator started from. */
  readonly seed: number;
  /** "numpy" (MT19937, numpy legacy compatible) or "mulberry32". */
  readonly mode: RandomMode;
  private mt = new Uint32Array(N);
  private mti = N + 1;
  private m32 = 0;
  private hasGauss = false;
  private gauss = 0;

  /** Seeds the generator; seed must be an integer in [0, 2³²). Example: `new Random(1)` */
  constructor(seed: number, mode: RandomMode = "numpy") {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new Error(`Random: seed must be an integer between 0 and 2**32 - 1, got ${seed}`);
    }
    if (mode !== "numpy" && mode !== "mulberry32") {
      throw new Error(`Random: unknown mode "${String(mode)}" (known: numpy, mulberry32)`);
    }
    this.seed = seed;
    this.mode = mode;
    if (mode === "numpy") {
      // init_genrand(s)
      const mt = this.mt;
      mt[0] = seed >>> 0;
      for (let i = 1; i < N; i++) {
        const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
        mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
      }
      this.mti = N;
    } else {
      this.m32 = seed >>> 0;
    }
  }

  /** The next raw 32-bit unsigned integer. Example: `new Random(1).nextUint32() // 1791095845` */
  nextUint32(): number {
    if (this.mode === "mulberry32") {
      let t = (this.m32 = (this.m32 + 0x6d2b79f5) >>> 0);
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (t ^ (t >>> 14)) >>> 0;
    }
    const mt = this.mt;
    if (this.mti >= N) {
      // generate N words at one time (MT19937 "twist")
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      const y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      this.mti = 0;
    }
    let y = mt[this.mti++];
    // tempering
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits; numpy: `np.random.random()`. Example: `rng.random()` */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A double in [lo, hi); numpy: `np.random.uniform(lo, hi)` = lo + (hi − lo)·random(). Example: `rng.uniform(-1, 1)` */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.random();
  }

  /**
   * An (r×c) matrix of random() values filled row-major; numpy: `np.random.random((r, c))`.
   * Example: `rng.randomMatrix(3, 2).scale(2).addScalar(-1)` is the course's `2*np.random.random((3,2)) - 1`
   */
  randomMatrix(r: number, c: number): Matrix {
    const out = new Matrix(r, c);
    for (let k = 0; k < out.data.length; k++) out.data[k] = this.random();
    return out;
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

  /**
   * A uniform integer in [0, max] by masked rejection, numpy's legacy `random_interval(max)`
   * (used by shuffle). Example: `rng.interval(9)` → 0..9
   */
  interval(max: number): number {
    if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) {
      throw new Error(`Random.interval: max must be an integer in [0, 2**32 - 1], got ${max}`);
    }
    if (max === 0) return 0;
    // smallest bit mask >= max
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do v = (this.nextUint32() & mask) >>> 0;
    while (v > max);
    return v;
  }

  /**
   * Shuffles the array in place (Fisher–Yates from the end) and returns it; numpy:
   * `np.random.shuffle(x)` for a 1-D array. Example: `rng.shuffle([1, 2, 3])`
   */
  shuffle<T>(array: T[]): T[] {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = array[i];
      array[i] = array[j];
      array[j] = t;
    }
    return array;
  }

  /** A shuffled [0, 1, …, n−1]; numpy: `np.random.permutation(n)`. Example: `rng.permutation(5)` */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, k) => k));
  }
}
