// numpy's legacy generator (MT19937), which the course seeds: `np.random.seed(s)` and the numpy calls
// named below give the same doubles as `new NumpyRandom(s)` and the same calls (arrays row-major).
// NeuralNetwork draws its initial weights and shuffles with it; src/random.ts's Random adds normal
// draws and a second, tiny generator. Nothing in this library uses Math.random.
import { Matrix } from "./matrix";

const N = 624;
const M = 397;

/** MT19937 as numpy's legacy generator. Example: `new NumpyRandom(1).random() // 0.417022004702574` */
export class NumpyRandom {
  /** The seed this generator started from. */
  readonly seed: number;
  private mt = new Uint32Array(N);
  private mti = N;
  /** Seeds the generator; seed must be an integer in [0, 2³²). Example: `new NumpyRandom(1)` */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new Error(`Random: seed must be an integer between 0 and 2**32 - 1, got ${seed}`);
    }
    this.seed = seed;
    // init_genrand(s)
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }
  /** The next raw 32-bit unsigned integer. Example: `new NumpyRandom(1).nextUint32() // 1791095845` */
  nextUint32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      // generate N words at one time (MT19937 "twist")
      for (let kk = 0; kk < N; kk++) {
        const y = (mt[kk] & 0x80000000) | (mt[(kk + 1) % N] & 0x7fffffff);
        mt[kk] = mt[(kk + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
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

  /**
   * An (r×c) matrix of random() values filled row-major; numpy: `np.random.random((r, c))`.
   * Example: `rng.randomMatrix(3, 2).scale(2).addScalar(-1)` is the course's `2*np.random.random((3,2)) - 1`
   */
  randomMatrix(r: number, c: number): Matrix {
    const out = new Matrix(r, c);
    for (let k = 0; k < out.data.length; k++) out.data[k] = this.random();
    return out;
  }
  /** A uniform integer in [0, max] by masked rejection, numpy's legacy `random_interval(max)`. Example: `rng.interval(9)` */
  interval(max: number): number {
    if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) {
      throw new Error(`Random.interval: max must be an integer in [0, 2**32 - 1], got ${max}`);
    }
    let mask = max; // the smallest 2^b − 1 >= max
    for (let s = 1; s <= 16; s *= 2) mask |= mask >>> s;
    mask >>>= 0;
    let v: number;
    do v = (this.nextUint32() & mask) >>> 0;
    while (v > max);
    return v;
  }
  /** Shuffles in place (Fisher–Yates from the end) and returns it; numpy: `np.random.shuffle(x)` (1-D). Example: `rng.shuffle([1, 2, 3])` */
  shuffle<T>(array: T[]): T[] {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.interval(i);
      [array[i], array[j]] = [array[j], array[i]];
    }
    return array;
  }
  /** A shuffled [0, 1, …, n−1]; numpy: `np.random.permutation(n)`. Example: `rng.permutation(5)` */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, k) => k));
  }
}
