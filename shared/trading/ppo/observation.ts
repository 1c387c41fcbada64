// What the PPO agent sees when it decides on a closed bar: its last `window` close-to-close log returns,
// where RSI(14) stands, and whether it holds the asset. The training environment, the backtester's PPO
// strategy and the live agent all build it with this one streaming class, fed closed bars in order, so
// an observation can only ever be made of bars that have closed: there is no way to look ahead.
import { Rsi } from '../../analytics/indicators.ts';
import type { PriceBar } from '../execution.ts';

export const RSI_PERIOD = 14;
/** Log returns in percent: 5m crypto returns are a few tenths, a scale a tanh network handles well. */
export const RETURN_SCALE = 100;
/** ±10 % in one bar: anything larger is a gap or a bad print, and must not saturate the network. */
export const RETURN_CLIP = 10;
/** The features after the returns: RSI, position share, cash share. */
const ACCOUNT_AND_RSI_FEATURES = 3;

export function observationSize(window: number): number {
  return window + ACCOUNT_AND_RSI_FEATURES;
}

/** Bars to feed before a first decision so that both the returns and RSI are warm. */
export function warmupBars(window: number): number {
  return window + RSI_PERIOD;
}

export class Observer {
  readonly window: number;
  /** The last `window` scaled returns, a ring whose oldest entry sits at `next` once it is full. */
  private readonly returns: Float32Array;
  private next = 0;
  private count = 0;
  private previousClose: number | undefined;
  private readonly rsi = new Rsi(RSI_PERIOD);
  private rsiFeature = 0;

  constructor(window: number) {
    if (!(Number.isInteger(window) && window >= 1)) throw new RangeError(`the observation window must be a positive integer, not ${window}`);
    this.window = window;
    this.returns = new Float32Array(window);
  }

  get size(): number {
    return observationSize(this.window);
  }

  /** Takes a bar that has closed, after every bar before it. */
  push(bar: PriceBar): void {
    const close = bar.close;
    // Callers drop bars without a usable price; one arriving here is a bug upstream, not market data.
    if (!(Number.isFinite(close) && close > 0))
      throw new RangeError(`the observer was given a bar at ${bar.open_time} whose close is ${close}; bars without a finite positive price must be filtered out before`);
    if (this.previousClose !== undefined) {
      const scaled = Math.log(close / this.previousClose) * RETURN_SCALE;
      this.returns[this.next] = Math.min(RETURN_CLIP, Math.max(-RETURN_CLIP, scaled));
      this.next = (this.next + 1) % this.window;
      this.count = Math.min(this.count + 1, this.window);
    }
    this.previousClose = close;
    const rsi = this.rsi.next(close);
    this.rsiFeature = rsi === null ? 0 : rsi / 100 - 0.5;
  }

  /** The observation after the last bar pushed, for an account holding `positionShare` of its equity in the asset; null until `window` returns exist. */
  observe(positionShare: number): Float32Array | null {
    if (!(positionShare >= 0 && positionShare <= 1)) throw new RangeError(`a position share is in [0, 1], not ${positionShare}`);
    if (this.count < this.window) return null;
    const observation = new Float32Array(this.size);
    for (let i = 0; i < this.window; i++) observation[i] = this.returns[(this.next + i) % this.window]!;
    observation[this.window] = this.rsiFeature;
    observation[this.window + 1] = positionShare;
    observation[this.window + 2] = 1 - positionShare;
    return observation;
  }
}
