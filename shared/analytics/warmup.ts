// How much history the indicators need before a bar: Wilder's RSI forgets its seed after ~250 bars
// ((13/14)^250 < 1e-8). The loader sends this much ahead of a range; a resuming persister re-reads it.
import { fixedIntervalMs, type KlineInterval } from '../binance/intervals.ts';

export const WARMUP_BARS = 250;

/** Earliest open time of the warm-up before `openTime` (months counted long, so it never falls short). */
export function warmupFrom(openTime: number, interval: KlineInterval): number {
  return openTime - WARMUP_BARS * (fixedIntervalMs(interval) ?? 31 * 86_400_000);
}
