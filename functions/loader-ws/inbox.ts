// Frames wait here between the socket, which pushes them as they arrive, and the step, which takes all
// that have arrived at once: one frame when the market is quiet (lowest latency), a batch when it is busy.
import type { Frame } from './connection.ts';

export class Inbox {
  private frames: Frame[] = [];
  private wake: (() => void) | undefined;

  push(frame: Frame): void {
    this.frames.push(frame);
    this.wake?.();
  }

  /** Everything waiting; waits up to `maxWaitMs` for something to arrive (an empty list if nothing did). */
  async take(maxWaitMs: number, signal: AbortSignal): Promise<Frame[]> {
    if (!this.frames.length && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, maxWaitMs);
        signal.addEventListener('abort', done);
        this.wake = done;
      });
    }
    const taken = this.frames;
    this.frames = [];
    return taken;
  }
}
