// A long-lived reader (a function's commands, the orchestrator's events): if its subscription dies,
// it subscribes again after a jittered pause, until it is stopped.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Batch, Bus, SubscribeOptions, Subscription } from '../ports/bus.ts';
import { backoffDelay } from '../retry.ts';

export interface Reader {
  /** Stop reading: closes the subscription and resolves when the loop has ended. */
  stop(): Promise<void>;
}

export function readForever(bus: Bus, options: SubscribeOptions, handle: (batch: Batch) => Promise<void>, logger: Logger): Reader {
  let stopped = false;
  let subscription: Subscription | undefined;
  const loop = (async () => {
    for (let failures = 0; !stopped; ) {
      subscription = bus.subscribe(options);
      try {
        for await (const batch of subscription) {
          await handle(batch);
          failures = 0;
        }
        if (stopped) return;
        throw new Error('subscription ended');
      } catch (error) {
        if (stopped) return;
        const pause = backoffDelay(failures++, 500, 15_000);
        logger.warn({ err: error, group: options.group, topics: options.topics, pause }, 'reader lost its subscription; subscribing again');
        await subscription.close().catch(() => undefined);
        await sleep(pause);
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      await subscription?.close();
      await loop;
    },
  };
}
