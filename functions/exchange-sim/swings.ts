// The 'swings' path shape: seeded sinusoids for long swings plus multi-scale
// smooth value noise (smoothstep between hashed knots), a pure function of time
// at unit annual volatility, so callers scale it by the volatility they want.
import { mix, unit } from './random.ts';

const YEAR_MS = 365 * 86_400_000;
const SINE_PERIODS_DAYS = [400, 160, 61, 23, 7.3, 1];
const NOISE_SCALES_MS = [60_000, 420_000, 2_700_000, 18_000_000, 129_600_000, 777_600_000];

const SINE_AMP = SINE_PERIODS_DAYS.map((d) => 0.5 * Math.sqrt(d / 365));
const SINE_FREQ = SINE_PERIODS_DAYS.map((d) => (2 * Math.PI) / (d * 86_400_000));
const NOISE_AMP = NOISE_SCALES_MS.map((s) => 1.4 * Math.sqrt(s / YEAR_MS));

export class SwingsPath {
  private readonly key: number;
  private readonly sinePhase: number[];

  constructor(key: number) {
    this.key = key;
    this.sinePhase = SINE_PERIODS_DAYS.map((_, i) => 2 * Math.PI * unit(mix(key, 1000 + i)));
  }

  at(t: number): number {
    let v = 0;
    for (let i = 0; i < SINE_AMP.length; i++) v += SINE_AMP[i]! * Math.sin(t * SINE_FREQ[i]! + this.sinePhase[i]!);
    for (let i = 0; i < NOISE_SCALES_MS.length; i++) {
      const scale = NOISE_SCALES_MS[i]!;
      const k = Math.floor(t / scale);
      const f = t / scale - k;
      const s = f * f * (3 - 2 * f);
      const salt = mix(this.key, i + 1);
      const a = unit(mix(salt, k)) * 2 - 1;
      const b = unit(mix(salt, k + 1)) * 2 - 1;
      v += NOISE_AMP[i]! * (a + (b - a) * s);
    }
    return v;
  }
}
