// The seeded market maker behind the simulated order books: what one 100 ms tick changes, as a pure
// function of (book key, tick index, trade price, current levels). Prices are in ticks, sizes in steps.
import { mix, randomWords } from '../random.ts';

/** Levels kept on each side: prices within this many ticks of the last trade price. */
export const BOOK_WINDOW_TICKS = 250;
/** Out of 256: chance that a price in the window starts with a level. */
const INITIAL_FILL_ODDS = 154;

const MAX_UPDATES_PER_TICK = 4;
const MAX_SETS_PER_UPDATE = 4;
/** Out of 256: chance that a change picking an existing level removes it. */
const DELETE_ODDS = 77;

export interface LevelSet {
  readonly bid: boolean;
  readonly price: number;
  /** 0 removes the level. */
  readonly qty: number;
}

export interface BookLevels {
  readonly bids: ReadonlyMap<number, number>;
  readonly asks: ReadonlyMap<number, number>;
}

/** Size in steps of an order worth 20 to 20,480 quote units at `mid`, from 10 random bits. */
export type SizeOf = (bits: number, mid: number) => number;

export function sizeInSteps(tickSize: number, stepSize: number): SizeOf {
  return (bits, mid) => {
    const notional = 20 * 2 ** ((bits & 0x3ff) / 102.4);
    const base = (notional * 1e8) / (mid * tickSize);
    return Math.max(1, Math.round((base * 1e8) / stepSize));
  };
}

function tickWords(key: number, tick: number, count: number): Uint32Array {
  return randomWords(mix(mix(key, tick % 0x100000000), Math.floor(tick / 0x100000000)), count);
}

/** Price `offset` ticks away from `mid` on one side. */
function priceAt(bid: boolean, mid: number, offset: number): number {
  return bid ? mid - offset : mid + offset;
}

/** Offset 1..window, denser near the trade price. */
function offsetOf(bits: number): number {
  const u = bits / 4294967296;
  return 1 + Math.floor(BOOK_WINDOW_TICKS * u * u);
}

/** Levels of a new book around `mid`: about 60% of the prices in the window on each side. */
export function initialLevels(key: number, tick: number, mid: number, size: SizeOf): LevelSet[] {
  const words = tickWords(mix(key, 0x1b00c), tick, 2 * BOOK_WINDOW_TICKS);
  const out: LevelSet[] = [];
  for (let offset = 1; offset <= BOOK_WINDOW_TICKS; offset++) {
    for (const bid of [true, false]) {
      const bits = words[2 * (offset - 1) + (bid ? 0 : 1)]!;
      if ((bits & 0xff) < INITIAL_FILL_ODDS) out.push({ bid, price: priceAt(bid, mid, offset), qty: size(bits >>> 8, mid) });
    }
  }
  return out;
}

/**
 * Updates of one tick, each a list of level sets: the first removes levels the trade price crossed or
 * left behind, then every update places or cancels a few orders near the price.
 */
export function tickUpdates(key: number, tick: number, mid: number, book: BookLevels, size: SizeOf): LevelSet[][] {
  const words = tickWords(key, tick, 1 + 3 * MAX_UPDATES_PER_TICK * MAX_SETS_PER_UPDATE);
  let w = 0;
  const head = words[w++]!;
  const updates: LevelSet[][] = [];
  const stale: LevelSet[] = [];
  for (const price of book.bids.keys()) if (price >= mid || price < mid - BOOK_WINDOW_TICKS) stale.push({ bid: true, price, qty: 0 });
  for (const price of book.asks.keys()) if (price <= mid || price > mid + BOOK_WINDOW_TICKS) stale.push({ bid: false, price, qty: 0 });
  const count = 1 + (head % MAX_UPDATES_PER_TICK);
  for (let u = 0; u < count; u++) {
    const sets = u === 0 ? stale : [];
    const n = 1 + ((head >>> (8 + 2 * u)) % MAX_SETS_PER_UPDATE);
    for (let k = 0; k < n; k++) {
      const a = words[w++]!;
      const bid = (a & 1) === 1;
      const price = priceAt(bid, mid, offsetOf(words[w++]!));
      const exists = (bid ? book.bids : book.asks).has(price);
      const remove = k > 0 && exists && ((a >>> 1) & 0xff) < DELETE_ODDS;
      sets.push({ bid, price, qty: remove ? 0 : size(words[w++]!, mid) });
    }
    updates.push(sets);
  }
  return updates;
}
