// The visualizer's page in a real browser (Debian's Chromium through playwright-core) against a real live
// workflow: the simulator's WebSocket (its clock 60× fast, so a 1m candle closes every second) feeds
// loader-ws, the persister stores closed candles, and the page draws the stored history, continues it
// live with the same indicators, fills the heatmap and the tape, follows the workflow, and says so when
// its data source stops.
import { mkdir } from 'node:fs/promises';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPlatform } from '../../platform/local.ts';
import { formatDate } from '../../shared/contracts/time-range.ts';
import type { StoredCandle } from '../../shared/contracts/stored.ts';
import type { Step } from '../../shared/contracts/workflow.ts';
import type { StreamforgeView } from '../../functions/visualizer/page/view-state.ts';
import { api, getWorkflow, startTestPlatform, until, waitForWorkflow } from '../helpers.ts';

const DAY_MS = 86_400_000;
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = 'test-results/dashboard.png';
const SCREENSHOT_DOWN = 'test-results/dashboard-down.png';

const view = (page: Page) => page.evaluate(() => window.streamforgeView) as Promise<StreamforgeView>;
async function viewUntil(page: Page, what: string, check: (v: StreamforgeView) => boolean, timeoutMs = 20_000): Promise<StreamforgeView> {
  let last: StreamforgeView | undefined;
  try {
    await until(what, async () => check((last = await view(page))), timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}; the page last showed ${JSON.stringify({ ...last, recentBars: last?.recentBars.length })}`);
  }
  return last!;
}

/** Pixels of the heatmap brighter than its dark background: cells of the book. */
const litHeatmapPixels = (page: Page) =>
  page.evaluate(() => {
    const canvas = document.getElementById('heatmap') as HTMLCanvasElement;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let lit = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! > 300) lit++;
    return lit;
  });

describe('the live market dashboard', () => {
  let platform: LocalPlatform | undefined;
  let browser: Browser;

  beforeAll(async () => {
    platform = await startTestPlatform({ SIM_SPEED: '60' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('draws the stored history, continues it live, fills the book and the tape, follows the workflow, and shows when the source stops', async () => {
    const p = platform!;
    const range = `${formatDate(Date.now())}:${formatDate(Date.now() + 2 * DAY_MS)}`;
    const started = await api(p, '/workflows', { json: { symbols: ['ETHUSDT'], types: ['ws_trades', 'ws_candles_1m', 'ws_depth'], time_range: range } });
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    const candleStep = (steps: readonly Step[]) => steps.find((s) => s.target === 'arango-connector' && s.type.kind === 'candles')!;
    await waitForWorkflow(p, id, (w) => candleStep(w.steps).records_written >= 20, 60_000);

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Silence of 2.5 s means the stream is down (30 s by default): the simulator's fast clock never pauses that long.
    await page.goto(`${p.visualizerUrl}/?symbol=ETHUSDT&interval=1m&staleMs=2500`);
    await page.waitForSelector('body[data-state="connected"]', { timeout: 20_000 });

    // History first: the stored bars, with their stored indicators.
    const loaded = await viewUntil(page, 'the history drawn', (v) => v.candles >= 20);
    expect(loaded).toMatchObject({ symbol: 'ETHUSDT', interval: '1m', state: 'connected', reason: null });
    const collection = `ethusdt_ws_candles_1m_${formatDate(Date.now()).replaceAll('-', '_')}`;
    const storedBars = async () => new Map((await p.ports.store.query<StoredCandle & { _key: string }>(collection, { field: 'open_time' })).map((c) => [c.open_time, c]));
    const drawnAsStored = (bars: StreamforgeView['recentBars'], stored: Map<number, StoredCandle>) =>
      bars.filter((bar) => stored.has(bar.open_time)).map((bar) => ({ open_time: bar.open_time, close: bar.close, rsi_14: bar.rsi_14, vwap: bar.vwap }));
    const storedAtLoad = await storedBars();
    const history = drawnAsStored(loaded.recentBars, storedAtLoad);
    expect(history.length).toBeGreaterThanOrEqual(20);
    expect(history).toEqual(history.map(({ open_time }) => ({ open_time, ...pick(storedAtLoad.get(open_time)!) })));

    // Then live: a new bar is drawn without a reload, and the chart's pixels change with it.
    const before = await page.locator('#chart').screenshot();
    const later = await viewUntil(page, 'a live bar after the history', (v) => v.lastCandleTime! >= loaded.lastCandleTime! + 3 * 60_000 && v.liveUpdates > 0);
    expect(later.candles).toBe(loaded.candles + (later.lastCandleTime! - loaded.lastCandleTime!) / 60_000);
    expect(Buffer.compare(before, await page.locator('#chart').screenshot())).not.toBe(0);

    // The bars that closed live carry the indicators the persister stored for them: no seam.
    const shown = (await view(page)).recentBars;
    const stored = await storedBars();
    const closedLive = shown.filter((bar) => bar.open_time > loaded.lastCandleTime! && stored.has(bar.open_time));
    expect(closedLive.length).toBeGreaterThanOrEqual(2);
    for (const bar of closedLive) {
      const truth = stored.get(bar.open_time)!;
      expect(bar.close).toBe(truth.close);
      expect(bar.rsi_14).toBeCloseTo(truth.rsi_14!, 9);
      expect(bar.vwap).toBeCloseTo(truth.vwap!, 9);
    }
    for (let i = 1; i < shown.length; i++) expect(shown[i]!.open_time - shown[i - 1]!.open_time).toBe(60_000);

    // The book fills the heatmap, the tape holds the last 50 trades, the panel shows the workflow running.
    const filled = await viewUntil(page, 'the heatmap and the tape filled', (v) => v.bookColumns >= 10 && v.trades === 50);
    expect(filled.runningWorkflows).toEqual([id]);
    expect(await litHeatmapPixels(page)).toBeGreaterThan(500);
    expect(await page.locator('#tape tr').count()).toBe(50);
    expect(await page.locator('#tape tr.buy').count()).toBeGreaterThan(0);
    expect(await page.locator('#tape tr.sell').count()).toBeGreaterThan(0);
    const card = page.locator(`[data-workflow="${id}"]`);
    expect(await card.getAttribute('data-status')).toBe('running');
    expect(await card.locator('tr').count()).toBe(5);

    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    // The exchange drops its streams and refuses new ones for a while: the page says the data stopped,
    // then carries on by itself once loader-ws is back.
    const fault = { kind: 'ws-drop', refuseMs: 6000 };
    expect((await fetch(`${p.restUrl}/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) })).status).toBe(201);
    await page.waitForSelector('body[data-state="down"][data-reason="stale"]', { timeout: 20_000 });
    expect(await page.locator('#banner').textContent()).toMatch(/^No live data for ETHUSDT for \d+ s — the exchange stream is down or stalled; loader-ws is reconnecting…$/);
    await page.waitForSelector('body[data-state="connected"]', { timeout: 45_000 });

    // The source stops: cancelling the workflow ends its live streams, and the page says so.
    expect((await api(p, `/workflows/${id}/cancel`, { method: 'POST' })).status).toBe(200);
    await page.waitForSelector('body[data-state="down"][data-reason="no-live-workflow"]', { timeout: 20_000 });
    expect(await page.locator('#banner').textContent()).toBe('No live workflow for ETHUSDT — start one with ws_trades, ws_candles_1m, ws_depth; waiting for it…');
    await until('the panel shows it cancelled', async () => (await card.getAttribute('data-status')) === 'cancelled');
    await page.screenshot({ path: SCREENSHOT_DOWN });
    expect((await getWorkflow(p, id)).status).toBe('cancelled');

    // The visualizer itself goes away: the page says it is reconnecting.
    await p.stop();
    platform = undefined;
    await page.waitForSelector('body[data-state="down"][data-reason="socket"]', { timeout: 20_000 });
    expect(await page.locator('#banner').textContent()).toMatch(/^Live data source down — the visualizer is unreachable; reconnecting in \d+ s…$/);
    expect(errors).toEqual([]);
  });
});

const pick = ({ close, rsi_14, vwap }: StoredCandle) => ({ close, rsi_14, vwap });
