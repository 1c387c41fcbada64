// The exchange simulator for the live-latency benchmark, in a process of its own as a real exchange would
// be: one symbol trading 100,000 aggregate trades per simulated hour, its clock 36× fast, so its streams
// carry 1,000 trades per second. Prints its URL on the first line of stdout.
import { startExchangeSim } from '../functions/exchange-sim/serve.ts';
import { BENCH_SYMBOL, TRADES_PER_HOUR, TRADES_PER_SECOND } from './live-latency.ts';

const running = await startExchangeSim({
  symbols: [
    {
      symbol: BENCH_SYMBOL,
      baseAsset: 'LIVE',
      quoteAsset: 'USDT',
      tickSize: '0.01',
      stepSize: '0.0001',
      startPrice: 3200,
      listedAt: Date.UTC(2020, 0, 1),
      tradesPerHour: TRADES_PER_HOUR,
    },
  ],
  speed: (TRADES_PER_SECOND * 3600) / TRADES_PER_HOUR,
});
console.log(running.url);
process.on('SIGTERM', () => void running.close().then(() => process.exit(0)));
