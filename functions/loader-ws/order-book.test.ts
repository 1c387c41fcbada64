// The local order book's sync procedure on hand-made diffs: snapshot joins, stale diffs, gaps, deletions.
import { describe, expect, it } from 'vitest';
import type { DepthUpdateEvent } from '../../shared/binance/stream-wire.ts';
import { LocalOrderBook } from './order-book.ts';

const diff = (U: number, u: number, b: [string, string][] = [], a: [string, string][] = []): DepthUpdateEvent => ({ e: 'depthUpdate', E: 0, s: 'ETHUSDT', U, u, b, a });
const snapshot = {
  lastUpdateId: 105,
  bids: [
    ['100.00', '1.0'],
    ['99.00', '2.0'],
  ] as [string, string][],
  asks: [
    ['101.00', '1.5'],
    ['102.00', '3.0'],
  ] as [string, string][],
};

describe('LocalOrderBook', () => {
  it('buffers until the snapshot, drops what the snapshot holds, and applies the rest in order', () => {
    const book = new LocalOrderBook();
    expect(book.handle(diff(100, 103, [['100.00', '9.0']]))).toBe('buffered');
    expect(book.handle(diff(104, 107, [['98.00', '4.0']], [['101.00', '0']]))).toBe('buffered');
    expect(book.firstBufferedId).toBe(100);
    expect(book.applySnapshot(snapshot)).toBe('applied');
    expect(book.lastUpdateId).toBe(107);
    // The first diff (u 103 <= 105) was already in the snapshot: bid 100 keeps 1.0; ask 101 was deleted.
    expect(book.top(10)).toEqual({
      bids: [
        [100, 1],
        [99, 2],
        [98, 4],
      ],
      asks: [[102, 3]],
    });
    expect(book.handle(diff(108, 110, [], [['101.50', '0.5']]))).toBe('applied');
    expect(book.top(1)).toEqual({ bids: [[100, 1]], asks: [[101.5, 0.5]] });
    expect(book.depth).toEqual({ bids: 3, asks: 2 });
  });

  it('asks for a newer snapshot when the snapshot is older than the first buffered diff', () => {
    const book = new LocalOrderBook();
    book.handle(diff(120, 122));
    expect(book.applySnapshot(snapshot)).toBe('gap');
    expect(book.synced).toBe(false);
    expect(book.applySnapshot({ ...snapshot, lastUpdateId: 121 })).toBe('applied');
    expect(book.lastUpdateId).toBe(122);
  });

  it('refuses a first diff that does not span the snapshot id, and any later skipped id', () => {
    const book = new LocalOrderBook();
    expect(book.applySnapshot(snapshot)).toBe('applied');
    expect(book.handle(diff(107, 108))).toBe('gap'); // 106 is missing
    expect(book.synced).toBe(false);
    expect(book.firstBufferedId).toBe(107);
    expect(book.applySnapshot({ ...snapshot, lastUpdateId: 107 })).toBe('applied');
    expect(book.lastUpdateId).toBe(108);
    expect(book.handle(diff(109, 112))).toBe('applied');
    expect(book.handle(diff(114, 115))).toBe('gap'); // 113 was skipped
    expect(book.lastUpdateId).toBeUndefined();
  });

  it('keeps the exchange text of prices and sorts numerically, not as text', () => {
    const book = new LocalOrderBook();
    book.applySnapshot({
      lastUpdateId: 1,
      bids: [
        ['9.50', '1'],
        ['10.25', '2'],
      ],
      asks: [
        ['100.5', '1'],
        ['11.0', '2'],
      ],
    });
    expect(book.top(2)).toEqual({
      bids: [
        [10.25, 2],
        [9.5, 1],
      ],
      asks: [
        [11, 2],
        [100.5, 1],
      ],
    });
  });
});
