// `npm run bench`: measures the platform and writes the figures into README between the bench markers.
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { benchBundles } from './bundles.ts';
import { benchColdPath } from './cold-path.ts';
import { benchColdStart } from './cold-start.ts';
import { benchIngest, benchMetricsCost } from './ingest.ts';
import { type LatencyFigures, benchLiveLatency } from './live-latency.ts';
import { benchMemory } from './memory.ts';
import { benchPipeline } from './pipeline.ts';
import { benchBacktest, benchPpo } from './trading.ts';
import { type Transfer, benchRegistry } from './registry.ts';
import { platformBus, rawBrokerLimit, startBroker } from './kafka.ts';
import type { Throughput } from '../functions/dummy/index.ts';

const README = new URL('../README.md', import.meta.url);
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Pads the cells of the markdown table in `lines` so the README reads as a table in plain text too. */
function alignTable(lines: string[]): string[] {
  const cells = (line: string) => line.slice(2, -2).split(' | ');
  const rows = lines.filter((line) => line.startsWith('| '));
  const widths = cells(rows[0] ?? '|  |').map((_, i) => Math.max(3, ...rows.map((row) => [...(cells(row)[i] ?? '')].length)));
  const pad = (text: string, i: number) => text + ' '.repeat(widths[i]! - [...text].length);
  return lines.map((line) => {
    if (line.startsWith('| ')) return `| ${cells(line).map(pad).join(' | ')} |`;
    if (line.startsWith('|---')) return `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`;
    return line;
  });
}

async function main() {
  const lines: string[] = [];
  const log = (line: string) => {
    console.log(line);
    lines.push(line);
  };
  log(`Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.versions.node}, by \`npm run bench\`.`);
  log('');
  log('| measurement | workload | result |');
  log('|---|---|---|');

  const DAY: [string[], string[], string] = [['BTCUSDT', 'ETHUSDT'], ['api_candles_5m', 'api_trades'], '2024-08-01:2024-08-02'];
  const WEEK: [string[], string[], string] = [['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], ['api_candles_1m', 'api_trades'], '2024-08-01:2024-08-08'];
  const day = await benchIngest(...DAY);
  log(`| ingest, end to end (embedded) | ${day.workload} | ${fmt(day.records)} records in ${fmt(day.seconds, 2)} s = **${fmt(day.recordsPerSecond)} records/s** |`);
  const week = await benchIngest(...WEEK);
  log(`| ingest, end to end (embedded) | ${week.workload} | ${fmt(week.records)} records in ${fmt(week.seconds, 2)} s = **${fmt(week.recordsPerSecond)} records/s** |`);

  const cost = await benchMetricsCost(...WEEK);
  log(
    `| cost of metrics (embedded ingest) | ${cost.workload}, alternately with the metrics listeners attached and detached, median of ${cost.runs} each | with metrics **${fmt(cost.withMetrics)} records/s**, without ${fmt(cost.withoutMetrics)} records/s: **${fmt(cost.costPercent, 1)} %** |`,
  );

  const pipeline = await benchPipeline();
  const g = pipeline.graph;
  log(
    `| graph build (graph-builder step) | ${g.symbols} symbols × a month of 5m candles (${fmt(g.candles)} stored, market factor): ${fmt(g.windows)} windows of 24 bars, threshold 0.3 → ${fmt(g.edges)} edges | **${fmt(g.seconds, 2)} s**; RSS ${fmt(g.rssBeforeMb)} MB before, peak **${fmt(g.peakRssMb)} MB** |`,
  );
  for (const e of pipeline.epochs) {
    log(
      `| GCN training, time per epoch (gnn-trainer) | ${e.symbols} nodes, ${e.trainWindows} training windows in minibatches of 32 plus the validation pass, hidden 16, tfjs CPU backend; median of ${e.epochs - 1} epochs after the first | **${fmt(e.medianEpochMs)} ms**; RSS ${fmt(e.rssBeforeMb)} MB before (the graphs read from the store), peak **${fmt(e.peakRssMb)} MB** |`,
    );
  }

  const backtest = benchBacktest();
  log(
    `| backtest speed (backtester's engine) | ${fmt(backtest.bars)} 1m bars of a random walk, fees and slippage, metrics included; best of 3 | SMA crossover 12/48: **${fmt(backtest.smaBarsPerSecond)} bars/s** (${fmt(backtest.smaTrades)} fills); buy-and-hold, the engine alone: ${fmt(backtest.holdBarsPerSecond)} bars/s |`,
  );
  const ppo = await benchPpo();
  log(
    `| PPO training speed (rl-agent) | defaults: rollouts of 2,048 steps over ${ppo.environments} symbols, 10 epochs of minibatches of 64, actor and critic 2 × 64 tanh, tfjs CPU backend; ${fmt(ppo.steps)} steps | **${fmt(ppo.stepsPerSecond)} steps/s**, rollouts and updates together |`,
  );

  // V8 sizes its heap by the allocation rate and the machine's memory; capped, it collects sooner.
  for (const [heap, nodeOptions, bound] of [
    ['default heap', '', 900],
    ['heap capped', '--max-old-space-size=256', 450],
  ] as const) {
    const memory = await benchMemory(20, 5000, nodeOptions);
    log(
      `| memory, one \`streamforge up\` process, ${heap}${nodeOptions ? ` (\`NODE_OPTIONS=${nodeOptions}\`)` : ''} | the one-day two-symbol workflow ${memory.runs} times in a row (${fmt(memory.records)} records), data topics deleted ${memory.graceMs / 1000} s after each ends | RSS ${fmt(memory.before.rssMb)} MB before, ${fmt(memory.halfwayRssMb)} MB after ${memory.runs / 2} runs, ${fmt(memory.afterRunsRssMb)} MB after ${memory.runs}: peak **${fmt(memory.peakRssMb)} MB** (bound ${bound} MB); bus topics ${memory.before.topics} before, **${memory.after.topics}** after |`,
    );
    if (memory.peakRssMb > bound) throw new Error(`memory run (${heap}): peak RSS ${memory.peakRssMb.toFixed(0)} MB is over its ${bound} MB bound`);
  }

  const cold = await benchColdStart([new URL('../bin/streamforge.ts', import.meta.url).pathname, 'up']);
  log(
    `| cold start, process start → /readyz 200 | \`streamforge up\` (simulator, loader, persister, orchestrator) | median **${fmt(cold.medianMs)} ms**, max ${fmt(cold.maxMs)} ms over ${cold.runs} runs |`,
  );

  const { bareNodeMs, bundles } = await benchBundles();
  for (const bundle of bundles) {
    log(
      `| bundle \`dist/${bundle.name}.mjs\`, process start → /readyz 200 | \`node dist/${bundle.name}.mjs\` as its container starts it (embedded adapters); ${fmt(bundle.bytes / 1024)} KiB loaded at start | median **${fmt(bundle.medianMs)} ms** (max ${fmt(bundle.maxMs)}) = **${(bundle.medianMs / bareNodeMs).toFixed(1)}×** bare Node (\`node -e 0\`: ${fmt(bareNodeMs)} ms; goal 3×) |`,
    );
  }

  const broker = await startBroker();
  try {
    const RECORDS = 200_000;
    const raw = await rawBrokerLimit(broker.brokers, RECORDS, 200);
    const bus = await platformBus(broker.brokers, RECORDS, 200);
    const rate = (t: Throughput) => `${fmt(t.recordsPerSecond)} records/s, ${fmt(t.mbPerSecond, 1)} MB/s`;
    log(`| Kafka produce, raw broker limit | \`kafka-producer-perf-test\`, ${fmt(RECORDS)} × 200 B, acks=all | ${rate(raw.produce)} |`);
    log(`| Kafka produce, platform bus | \`KafkaBus.publish\` via the dummy load generator, ${fmt(RECORDS)} × 200 B | **${rate(bus.produce)}** |`);
    log(`| Kafka consume, raw broker limit | \`kafka-consumer-perf-test\`, same volume (fetch time) | ${rate(raw.consume)} |`);
    log(
      `| Kafka consume, platform bus | \`KafkaBus.subscribe\` in a group, committing every batch | **${rate(bus.consume)}** — raw limit / platform = **${(raw.consume.recordsPerSecond / bus.consume.recordsPerSecond).toFixed(2)}×** |`,
    );
    const live = await benchLiveLatency(broker.brokers);
    const latency = (f: LatencyFigures) => `p50 ${fmt(f.p50Ms)} ms, p99 ${fmt(f.p99Ms)} ms (max ${fmt(f.maxMs)})`;
    const workload = `${fmt(live.withoutBus.trades)} trades at ${fmt(live.withoutBus.rate)}/s from the simulator's WebSocket (after 1,000 to warm up); event time \`E\` → consumer, 1 ms resolution`;
    log(`| tick latency, without a bus (the limit) | ${workload}: socket → parsed and normalized as loader-ws does | ${latency(live.withoutBus)} |`);
    log(`| tick latency, embedded bus | the same through loader-ws → the in-process bus → a consumer in its own group | ${latency(live.embedded)} |`);
    log(`| tick latency, Kafka | the same through loader-ws → Kafka (acks=all) → a consumer in its own group | **${latency(live.kafka!)}** (goal p99 < 20 ms) |`);
    const kafkaEnv = { BUS: 'kafka', KAFKA_BROKERS: broker.brokers };
    const fnCold = await benchColdStart([new URL('../bin/streamforge.ts', import.meta.url).pathname, 'fn', 'persister'], kafkaEnv);
    log(
      `| cold start of one function, process start → /readyz 200 | \`streamforge fn persister\` on Kafka (joins its command group, answers /readyz after a broker round trip) | median **${fmt(fnCold.medianMs)} ms**, max ${fmt(fnCold.maxMs)} ms over ${fnCold.runs} runs |`,
    );
    const kafkaDay = await benchIngest(...DAY, kafkaEnv);
    log(
      `| ingest, end to end (Kafka) | ${kafkaDay.workload} | ${fmt(kafkaDay.records)} records in ${fmt(kafkaDay.seconds, 2)} s = **${fmt(kafkaDay.recordsPerSecond)} records/s** |`,
    );
    const kafkaWeek = await benchIngest(...WEEK, kafkaEnv);
    log(
      `| ingest, end to end (Kafka) | ${kafkaWeek.workload} | ${fmt(kafkaWeek.records)} records in ${fmt(kafkaWeek.seconds, 2)} s = **${fmt(kafkaWeek.recordsPerSecond)} records/s** |`,
    );
  } finally {
    await broker.stop();
  }

  const registry = await benchRegistry();
  const transfer = (t: Transfer) => `${fmt(t.medianSeconds, 2)} s (${fmt(t.mbPerSecond)} MB/s)`;
  log(
    `| model artifact upload to MinIO | ${fmt(registry.artifactMb / 1.048576)} MiB from a file, median of ${registry.runs}: the platform's S3 adapter (multipart, 8 MiB parts, SHA-256 while streaming) vs \`curl --aws-sigv4 -T\` (one PUT) | **${transfer(registry.upload.adapter)}**, peak live memory ${fmt(registry.upload.peakLiveMb)} MB; curl ${transfer(registry.upload.curl)} = **${(registry.upload.adapter.medianSeconds / registry.upload.curl.medianSeconds).toFixed(1)}×** curl's time |`,
  );
  log(
    `| model artifact download from MinIO | the same, streamed and hashed (SHA-256) vs \`curl -o /dev/null\` | **${transfer(registry.download.adapter)}**, peak live memory ${fmt(registry.download.peakLiveMb, 1)} MB; curl ${transfer(registry.download.curl)} = **${(registry.download.adapter.medianSeconds / registry.download.curl.medianSeconds).toFixed(1)}×** curl's time |`,
  );
  log(`| model registration | a small tfjs model (model.json and one shard) on MinIO, SQLite store; median of 10 | **${fmt(registry.registerMedianMs, 1)} ms** |`);
  log(
    `| hot reload, alias move → consumer swapped | \`setAlias\` until a \`ModelFollower\` on \`@champion\` has loaded, verified and swapped in the version (embedded bus, MinIO); median of 9 moves | **${fmt(registry.swapMedianMs, 1)} ms** |`,
  );

  const path = await benchColdPath();
  log(
    `| cold path with the real KEDA operator, POST /workflows → first record persisted | BTCUSDT api_candles_5m one day on \`streamforge cluster up\`; every step function at zero | **${fmt(path.coldMs)} ms**, of which ${fmt(Math.max(0, path.untilJobMs))} ms until KEDA created the first Job (its polling interval is ${path.pollingIntervalSeconds} s) |`,
  );
  log(`| warm path, same | the functions' pods still up from the workflow before | **${fmt(path.warmMs)} ms** |`);

  const readme = await readFile(README, 'utf8');
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < 0) throw new Error(`README.md has no ${START} … ${END} section`);
  await writeFile(README, `${readme.slice(0, from + START.length)}\n${alignTable(lines).join('\n')}\n${readme.slice(to)}`);
  console.log('\nREADME.md updated.');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
