// The TensorFlow.js the trainer runs on: the pure-JS CPU backend. Production mode only silences tfjs's
// warnings, among them the banner recommending the native Node backend, which this image does not ship.
import * as tf from '@tensorflow/tfjs';

let ready: Promise<void> | undefined;

/** Selects the CPU backend once per process; every entry point that makes tensors awaits it first. */
export function useCpuBackend(): Promise<void> {
  ready ??= (async () => {
    tf.enableProdMode();
    if (!(await tf.setBackend('cpu'))) throw new Error('the TensorFlow.js CPU backend could not be initialized');
  })();
  return ready;
}
