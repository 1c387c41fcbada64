// The data topics of the live steps (loader-ws) of workflows that have not ended: one bus subscription
// each, in the reader's own group (the visualizer's, the live agent's), so a slow reader never holds the
// persister back. A topic new to the group is read from its newest records, or from its first for a
// reader that needs the stream's history; offsets are committed once the handler has dealt with a batch,
// so the lag gauge says how far behind the reader is. A step that ends closes its subscription.
import type { DataType } from '../contracts/data-type.ts';
import { type MarketRecord, dataTopic } from '../contracts/market.ts';
import { TARGETS } from '../contracts/names.ts';
import { type Workflow, isTerminal } from '../contracts/workflow.ts';
import { type MessageBatch, type Reader, consumeForever } from './consume.ts';
import type { DeadLetterPorts } from './dead-letter.ts';
import type { Consumed } from './lag-metrics.ts';

export interface LiveStream {
  readonly topic: string;
  readonly symbol: string;
  readonly type: DataType;
  readonly workflowId: string;
}

/** The live streams of workflows still going: their loader-ws steps that have not ended. */
export function liveStreamsOf(workflows: readonly Workflow[]): LiveStream[] {
  return workflows
    .filter((workflow) => !isTerminal(workflow.status))
    .flatMap((workflow) =>
      workflow.steps
        .filter((step) => step.target === TARGETS.loaderWs && !isTerminal(step.status))
        .map((step) => ({ topic: step.kafka_topic, symbol: step.symbol, type: step.type, workflowId: workflow.id })),
    );
}

/** Who reads: the function named in logs and dead letters, and its consumer group. */
export interface LiveReader {
  readonly fn: string;
  readonly group: string;
  /**
   * Where a topic new to the group is read from: its newest records (default: a live view has no use for
   * the past), or its first, for a reader that needs the history the stream opens with (the warm-up candles).
   */
  readonly fromBeginning?: boolean;
}

export type RecordsHandler = (stream: LiveStream, batch: MessageBatch<MarketRecord>) => Promise<void>;

export class LiveTopics {
  private readonly readers = new Map<string, { readonly stream: LiveStream; readonly reader: Reader }>();
  private readonly stopping = new Set<Promise<void>>();
  private readonly ports: DeadLetterPorts;
  private readonly reader: LiveReader;
  private readonly handle: RecordsHandler;

  constructor(ports: DeadLetterPorts, reader: LiveReader, handle: RecordsHandler) {
    this.ports = ports;
    this.reader = reader;
    this.handle = handle;
  }

  /** Subscribes to the streams not yet read and closes those no longer wanted; returns the closed ones. */
  follow(streams: readonly LiveStream[]): LiveStream[] {
    const wanted = new Map(streams.map((stream) => [stream.topic, stream]));
    const ended: LiveStream[] = [];
    for (const [topic, { stream, reader }] of this.readers) {
      if (wanted.has(topic)) continue;
      this.readers.delete(topic);
      ended.push(stream);
      const stopped = reader.stop().finally(() => this.stopping.delete(stopped));
      this.stopping.add(stopped);
    }
    for (const [topic, stream] of wanted) {
      if (this.readers.has(topic)) continue;
      const reader = consumeForever(
        this.ports,
        { fn: this.reader.fn, group: this.reader.group, topic: dataTopic(topic), fromBeginning: this.reader.fromBeginning ?? false, deadLetters: false },
        async (batch) => {
          await this.handle(stream, batch);
          await batch.commit();
        },
      );
      this.readers.set(topic, { stream, reader });
    }
    return ended;
  }

  streams(): LiveStream[] {
    return [...this.readers.values()].map(({ stream }) => stream);
  }

  subscriptions(): Consumed[] {
    return [...this.readers.keys()].map((topic) => ({ group: this.reader.group, topic }));
  }

  async stop(): Promise<void> {
    this.follow([]);
    await Promise.all(this.stopping);
  }
}
