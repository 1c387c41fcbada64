// GET /api/v3/exchangeInfo payload for the simulated symbols.
import { format8 } from './aggregate.ts';
import type { WeightLimiter } from './limiter.ts';
import type { SymbolMarket } from './market.ts';

const ORDER_TYPES = ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'];

function symbolStatus(m: SymbolMarket, now: number): string {
  if (now < m.config.listedAt) return 'PRE_TRADING';
  return m.calendar.coveringWindow(now, now) ? 'BREAK' : 'TRADING';
}

function symbolInfo(m: SymbolMarket, now: number): Record<string, unknown> {
  const c = m.config;
  const maxQty = format8(Math.max(1, Math.round(9_000_000 / c.startPrice)) * 100_000_000);
  return {
    symbol: c.symbol,
    status: symbolStatus(m, now),
    baseAsset: c.baseAsset,
    baseAssetPrecision: 8,
    quoteAsset: c.quoteAsset,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ORDER_TYPES,
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    amendAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: true,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: format8(c.tickSize), maxPrice: '1000000.00000000', tickSize: format8(c.tickSize) },
      { filterType: 'LOT_SIZE', minQty: format8(c.stepSize), maxQty, stepSize: format8(c.stepSize) },
      { filterType: 'ICEBERG_PARTS', limit: 10 },
      { filterType: 'MARKET_LOT_SIZE', minQty: '0.00000000', maxQty, stepSize: '0.00000000' },
      { filterType: 'TRAILING_DELTA', minTrailingAboveDelta: 10, maxTrailingAboveDelta: 2000, minTrailingBelowDelta: 10, maxTrailingBelowDelta: 2000 },
      { filterType: 'PERCENT_PRICE_BY_SIDE', bidMultiplierUp: '5', bidMultiplierDown: '0.2', askMultiplierUp: '5', askMultiplierDown: '0.2', avgPriceMins: 5 },
      { filterType: 'NOTIONAL', minNotional: '5.00000000', applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
      { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
      { filterType: 'MAX_NUM_ALGO_ORDERS', maxNumAlgoOrders: 5 },
    ],
    permissions: [],
    permissionSets: [['SPOT', 'MARGIN']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  };
}

export function exchangeInfo(markets: readonly SymbolMarket[], limiter: WeightLimiter, now: number): Record<string, unknown> {
  return {
    timezone: 'UTC',
    serverTime: now,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: limiter.interval, intervalNum: limiter.intervalNum, limit: limiter.options.limit },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200_000 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61_000 },
    ],
    exchangeFilters: [],
    symbols: markets.map((m) => symbolInfo(m, now)),
  };
}
