// Live indicators agree with the persister's: from the loader's warm-up on, the same state fed the same
// closed bars; joined mid-stream, rebuilt from the stored bars before the first one seen.
import { describe, expect, it } from 'vitest';
import { CandleIndicatorState } from '../../shared/analytics/indicators.ts';
import { SqliteStore } from '../../shared/adapters/embedded/sqlite-store.ts';
import { tempDir } from '../../test/helpers.ts';
import { LiveIndicators } from './live-indicators.ts';
import { MINUTE, bar, storeDay } from './test-support.ts';

const store = async () => new SqliteStore(`${await tempDir('sf-indicators-')}/store.db`);

describe('live indicators', () => {
  it('from a warm-up: warm-up bars are not shown, every closed bar gets what the persister stores', async () => {
    const live = new LiveIndicators(await store());
    const persister = new CandleIndicatorState(MINUTE);
    for (let i = 0; i < 20; i++) {
      persister.next(bar(i));
      expect(await live.apply(bar(i, { warmup: true }))).toBeUndefined();
    }
    const rsi: (number | null | undefined)[] = [];
    for (let i = 20; i < 33; i++) {
      const open = await live.apply(bar(i, { close: 3100, high: 3200, partial: true }));
      expect(open?.partial).toBe(true);
      const { rsi_14, vwap } = persister.next(bar(i));
      const closed = await live.apply(bar(i));
      expect(closed).toEqual({ ...bar(i), rsi_14, vwap });
      rsi.push(closed?.rsi_14);
    }
    // The brief's reference RSI of the 33rd close: the open bars peeked at never moved the state.
    expect(rsi.at(-1)).toBeCloseTo(37.7888, 4);
  });

  it('joined mid-stream: rebuilt from the stored bars before the first live one', async () => {
    const stored = await store();
    await storeDay(stored, 25);
    const live = new LiveIndicators(stored);
    const persister = new CandleIndicatorState(MINUTE);
    for (let i = 0; i < 25; i++) persister.next(bar(i));
    for (let i = 25; i < 30; i++) {
      const { rsi_14, vwap } = persister.next(bar(i));
      expect(await live.apply(bar(i))).toEqual({ ...bar(i), rsi_14, vwap });
    }
    // A closed bar seen again (a second workflow streaming the symbol) does not advance the state: the
    // next bar still gets the reference RSI of the 31st close.
    await live.apply(bar(29));
    expect((await live.apply(bar(30)))?.rsi_14).toBeCloseTo(37.3228, 4);
  });
});
