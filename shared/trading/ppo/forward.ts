// A trained network's dense layers copied out of tfjs into plain Float32 arrays, and their forward pass
// in plain JS. At the batch sizes of acting (one bar, or one row per environment) a tfjs call costs its
// per-op overhead many times over the arithmetic; this loop does the same float32 math about 100× faster.
import type * as tf from '@tensorflow/tfjs';

type Activation = 'tanh' | 'linear';

interface DenseWeights {
  readonly inputs: number;
  readonly outputs: number;
  /** Row-major [inputs, outputs], as tfjs stores a Dense kernel. */
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
  readonly activation: Activation;
}

export class DenseForward {
  readonly inputSize: number;
  readonly outputSize: number;
  private readonly layers: readonly DenseWeights[];

  private constructor(layers: readonly DenseWeights[]) {
    this.layers = layers;
    this.inputSize = layers[0]!.inputs;
    this.outputSize = layers.at(-1)!.outputs;
  }

  /** The model's dense layers, in order; a final softmax is left to the caller, any other layer is refused. */
  static fromModel(model: tf.LayersModel): DenseForward {
    const layers: DenseWeights[] = [];
    model.layers.forEach((layer, i) => {
      const config = layer.getConfig();
      if (layer.getClassName() === 'Activation' && config.activation === 'softmax' && i === model.layers.length - 1) return;
      if (layer.getClassName() !== 'Dense' || (config.activation !== 'tanh' && config.activation !== 'linear') || config.useBias === false) {
        throw new TypeError(`layer ${layer.name} (${layer.getClassName()}, ${String(config.activation)}) is not a dense tanh or linear layer with a bias`);
      }
      const [kernel, bias] = layer.getWeights();
      const [inputs, outputs] = kernel!.shape as [number, number];
      layers.push({ inputs, outputs, kernel: kernel!.dataSync() as Float32Array, bias: bias!.dataSync() as Float32Array, activation: config.activation });
    });
    if (layers.length === 0) throw new TypeError(`model ${model.name} has no dense layers`);
    return new DenseForward(layers);
  }

  /** The outputs for `rows` inputs laid end to end, [rows, outputSize] row-major. */
  run(inputs: Float32Array, rows: number): Float32Array {
    if (inputs.length !== rows * this.inputSize) throw new RangeError(`expected ${rows} rows of ${this.inputSize} inputs, got ${inputs.length} numbers`);
    let activations = inputs;
    for (const layer of this.layers) activations = dense(layer, activations, rows);
    return activations;
  }
}

function dense(layer: DenseWeights, inputs: Float32Array, rows: number): Float32Array {
  const { inputs: n, outputs: m, kernel, bias } = layer;
  const out = new Float32Array(rows * m);
  const sums = new Float64Array(m);
  for (let r = 0; r < rows; r++) {
    sums.set(bias);
    for (let i = 0; i < n; i++) {
      const x = inputs[r * n + i]!;
      if (x === 0) continue;
      const row = i * m;
      for (let j = 0; j < m; j++) sums[j]! += x * kernel[row + j]!;
    }
    for (let j = 0; j < m; j++) out[r * m + j] = layer.activation === 'tanh' ? Math.tanh(sums[j]!) : sums[j]!;
  }
  return out;
}

/** Log-softmax of `count` logits starting at `offset`, into `target`. */
export function logSoftmax(logits: Float32Array, offset: number, count: number, target: Float64Array): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < count; k++) max = Math.max(max, logits[offset + k]!);
  let sum = 0;
  for (let k = 0; k < count; k++) sum += Math.exp(logits[offset + k]! - max);
  const logSum = max + Math.log(sum);
  for (let k = 0; k < count; k++) target[k] = logits[offset + k]! - logSum;
  return target;
}

/** The observation size a network takes, read from its input. */
export function inputSizeOf(model: tf.LayersModel): number {
  return model.inputs[0]!.shape[1] as number;
}
