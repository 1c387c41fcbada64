// A tfjs model as the files the registry stores: a standard model.json whose manifest names one
// weights.bin beside it, so `tf.loadLayersModel` reads it back as saved. Optionally under a prefix, when
// one version holds several models (a PPO policy per walk-forward fold).
import * as tf from '@tensorflow/tfjs';
import { TFJS_MODEL_FILE } from '../models/tfjs.ts';

export const WEIGHTS_FILE = 'weights.bin';

/** `<prefix>model.json` and `<prefix>weights.bin`, by path. */
export async function modelFiles(model: tf.LayersModel, prefix = ''): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'],
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      };
      files.set(prefix + TFJS_MODEL_FILE, new TextEncoder().encode(JSON.stringify(modelJson)));
      files.set(prefix + WEIGHTS_FILE, weights);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    }),
  );
  return files;
}
