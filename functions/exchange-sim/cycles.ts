// The 'cycles' path shape: a pattern a trading agent can learn, for tests that need one. The log price
// follows a triangle wave, rising steadily for two hours and falling steadily for the next two, at a
// phase drawn from the key, plus a little seeded noise so the wave is not perfectly clean. Unlike the
// other shapes it is not scaled to unit volatility: its size is the pattern itself, in log-price units.
// A pure function of continuous time, so every interval and every way of asking sees the same wave.
import { hashedNormal, mix, unit } from './random.ts';

const MINUTE_MS = 60_000;
const BAR_MS = 5 * MINUTE_MS;
const TWO_32 = 4294967296;

/** One full cycle: 48 five-minute bars, four hours. */
export const CYCLE_PERIOD_MS = 48 * BAR_MS;

/**
 * The log move of each half cycle: up 3 %, then down by the same log amount (−2.9 %), so that a whole
 * cycle nets to nothing and holding through whole cycles earns only the noise.
 */
export const HALF_CYCLE_LOG_MOVE = Math.log(1.03);

/** The trend's log move over one 5m bar: 1/24 of a half cycle, about 0.12 %. */
export const TREND_PER_BAR = HALF_CYCLE_LOG_MOVE / (CYCLE_PERIOD_MS / 2 / BAR_MS);

/**
 * Standard deviation of the noise around the wave: a tenth of a bar's trend, drawn independently at each
 * whole minute and linear in between. Enough that no two bars are alike, far too little to reverse a bar.
 */
export const NOISE_STD = 0.1 * TREND_PER_BAR;

export class CyclesPath {
  /** Where in its cycle the wave is at t = 0; a whole number of ms so the phase is exact at any time. */
  private readonly offsetMs: number;
  private readonly noiseSalt: number;

  constructor(key: number) {
    this.offsetMs = Math.floor(unit(mix(key, 1)) * CYCLE_PERIOD_MS);
    this.noiseSalt = mix(key, 2);
  }

  at(t: number): number {
    return this.wave(t) + this.noise(t);
  }

  /** The clean triangle wave: the trough at phase 0, the crest at 1/2, centred on 0 so prices swing around their start. */
  wave(t: number): number {
    const phase = ((((t + this.offsetMs) % CYCLE_PERIOD_MS) + CYCLE_PERIOD_MS) % CYCLE_PERIOD_MS) / CYCLE_PERIOD_MS;
    return HALF_CYCLE_LOG_MOVE * (phase < 0.5 ? 2 * phase - 0.5 : 1.5 - 2 * phase);
  }

  private noise(t: number): number {
    const minute = Math.floor(t / MINUTE_MS);
    const fraction = t / MINUTE_MS - minute;
    const here = this.knot(minute);
    return fraction === 0 ? here : here + fraction * (this.knot(minute + 1) - here);
  }

  /** Minute indices run past 2^32 at the far ends of a Date's range, so the high bits key the draw too. */
  private knot(minute: number): number {
    return NOISE_STD * hashedNormal(mix(mix(this.noiseSalt, minute | 0), Math.floor(minute / TWO_32)));
  }
}
