// The 'random-walk' path shape: Brownian motion at unit annual volatility as a
// pure function of time. Lévy's midpoint construction over one-minute knots draws
// every knot from a hashed normal per tree node, so a value costs O(log) hashes
// and increments over disjoint intervals are independent by construction (what a
// test of "no predictability" relies on). Linear between knots.
import { hashedNormal, mix } from './random.ts';

const MINUTE_MS = 60_000;
const YEAR_MS = 365 * 86_400_000;
/** Standard deviation of one minute's step at unit annual volatility. */
const MINUTE_STD = Math.sqrt(MINUTE_MS / YEAR_MS);
/** Dyadic levels of the spine: 2^38 minutes is beyond the farthest time a Date can hold. */
const LEVELS = 38;
const TWO_32 = 4294967296;

/** The walk is 0 here, so prices sit at their start price in recent years and wander from it both ways. */
export const RANDOM_WALK_ORIGIN = Date.parse('2024-01-01T00:00:00Z');

/** A standard normal per (salt, index), for indices past 2^32 too. */
function normalAt(salt: number, index: number): number {
  return hashedNormal(mix(mix(salt, index % TWO_32), Math.floor(index / TWO_32)));
}

/** One side of the walk, W(k) for whole minutes k >= 0 in units of one minute's standard deviation. */
class OneSidedWalk {
  private readonly nodeSalt: number;
  /** spine[i] = W(2^i): each dyadic point from the one before, W(2^(i+1)) - W(2^i) ~ N(0, 2^i). */
  private readonly spine: Float64Array;

  constructor(key: number) {
    this.nodeSalt = mix(key, 2);
    const spineSalt = mix(key, 1);
    this.spine = new Float64Array(LEVELS + 1);
    this.spine[0] = normalAt(spineSalt, 0);
    for (let i = 1; i <= LEVELS; i++) this.spine[i] = this.spine[i - 1]! + Math.sqrt(2 ** (i - 1)) * normalAt(spineSalt, i);
  }

  at(k: number): number {
    if (k === 0) return 0;
    let level = Math.floor(Math.log2(k));
    if (2 ** level > k) level--;
    if (level >= LEVELS) throw new RangeError(`minute ${k} from the origin is outside the range of a Date`);
    let lo = 2 ** level;
    let a = this.spine[level]!;
    let b = this.spine[level + 1]!;
    // Halve [lo, lo + len] towards k; each midpoint is the midpoint of exactly one interval, so it keys its own draw.
    for (let len = lo; len > 1 && k !== lo; len /= 2) {
      const mid = lo + len / 2;
      const m = (a + b) / 2 + (Math.sqrt(len) / 2) * normalAt(this.nodeSalt, mid);
      if (k < mid) b = m;
      else {
        a = m;
        lo = mid;
      }
    }
    return k === lo ? a : b;
  }
}

export class BrownianPath {
  private readonly forward: OneSidedWalk;
  private readonly backward: OneSidedWalk;

  constructor(key: number) {
    this.forward = new OneSidedWalk(mix(key, 0xf0d));
    this.backward = new OneSidedWalk(mix(key, 0xbac));
  }

  at(t: number): number {
    const u = (t - RANDOM_WALK_ORIGIN) / MINUTE_MS;
    const side = u >= 0 ? this.forward : this.backward;
    const x = Math.abs(u);
    const k = Math.floor(x);
    const f = x - k;
    const w = f === 0 ? side.at(k) : side.at(k) + f * (side.at(k + 1) - side.at(k));
    return w * MINUTE_STD;
  }
}
