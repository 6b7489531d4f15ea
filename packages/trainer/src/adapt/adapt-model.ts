import { type Architecture, InvalidInputError, type ModelManifest, fullSequenceLength, parseModelManifest, runsAnyGridSize, sha256Hex, withGrid } from '@trm/core';
import { buildTrainingGraph, trainingGraphNames as names } from '../autodiff/training-graph';
import { trmParameterSpecs, type ParameterValues } from '../network/trm-parameters';
import { exportStepToOnnx } from '../onnx/export-onnx';
import { parametersFromModel } from '../onnx/model-parameters';
import { applyAdamW } from '../training/adamw';
import { StreamingCarry } from '../training/streaming-carry';
import type { OptimizerSettings } from '../training/optimizer-settings';
import type { TrainingDataSource } from '../training/training-data-source';

/** What adaptation needs of an onnxruntime (onnxruntime-node or onnxruntime-web, passed in). */
export interface OrtModuleLike {
  InferenceSession: { create(model: Uint8Array, options?: any): Promise<any> };
  Tensor: new (type: any, data: any, dims: readonly number[]) => any;
}

export type AdaptEvent = { type: 'step'; step: number; steps: number; loss: number; tokenAccuracy: number; seconds: number };

export interface AdaptModelOptions {
  ort: OrtModuleLike;
  manifest: ModelManifest;
  /** The model's ONNX bytes (its step graph; the weights are read from its initializers). */
  weights: Uint8Array;
  /** Examples of the puzzles to adapt to; `puzzleNames` names identifiers 1..N of the new table. */
  data: TrainingDataSource & { readonly puzzleNames: readonly string[] };
  /** Conv models: the canvas to train at (default: the manifest's). */
  grid?: { height: number; width: number };
  /** Optimizer steps (each one supervision step of every slot). */
  steps: number;
  /** Slots per step (default 16). */
  batchSize?: number;
  /** 'embedding' (default): only the puzzle embeddings learn; 'all': every weight does, more slowly. */
  train?: 'embedding' | 'all';
  /** Learning rate of the embeddings (default 1e-2) and, with `train: 'all'`, of the other weights (default 1e-4). */
  learningRate?: number;
  weightsLearningRate?: number;
  seed?: number;
  /** Threads a step uses (the same word as every runtime; default: the onnxruntime's own). */
  threads?: number;
  /** Other session options passed to InferenceSession.create (execution providers). */
  sessionOptions?: Record<string, unknown>;
  onProgress?: (event: AdaptEvent) => void;
  signal?: AbortSignal;
}

export interface AdaptedModel {
  manifest: ModelManifest;
  weights: Uint8Array;
  steps: number;
  seconds: number;
  /** Loss and token accuracy of the last steps (mean of the last 10). */
  finalLoss: number;
  finalTokenAccuracy: number;
}

/**
 * Test-time training: learns new puzzle embeddings (and, if asked, all weights) on examples of
 * puzzles the model never saw, with the same one-step training graph as training, run by the
 * onnxruntime given (Node or browser). Each new puzzle's embedding starts from the same-named
 * one if the model has it, else from the model's unseen-puzzle embedding (identifier 0). The
 * result is a model of its own: the step graph with only the new table, and its manifest.
 */
export async function adaptModel(options: AdaptModelOptions): Promise<AdaptedModel> {
  const manifest = parseModelManifest(options.manifest);
  const { ort, data } = options;
  if (!Number.isInteger(options.steps) || options.steps < 1 || options.steps > 100_000) throw new InvalidInputError({ field: 'steps', message: 'expected an integer from 1 to 100000', value: options.steps });
  const batchSize = options.batchSize ?? 16;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1024) throw new InvalidInputError({ field: 'batchSize', message: 'expected an integer from 1 to 1024', value: batchSize });
  if (options.threads !== undefined && (!Number.isInteger(options.threads) || options.threads < 1 || options.threads > 256)) throw new InvalidInputError({ field: 'threads', message: 'expected an integer from 1 to 256', value: options.threads });
  const which = options.train ?? 'embedding';
  if (which !== 'embedding' && which !== 'all') throw new InvalidInputError({ field: 'train', message: "expected 'embedding' or 'all'", value: which });
  if (!data?.puzzleNames || data.puzzleNames.length === 0) throw new InvalidInputError({ field: 'data.puzzleNames', message: 'name the puzzles being adapted to (identifiers 1..N)' });
  let architecture: Architecture = { ...manifest.architecture, puzzleIdentifiers: data.puzzleNames.length + 1 };
  if (options.grid) {
    if (!runsAnyGridSize(architecture) && (architecture.grid?.height !== options.grid.height || architecture.grid?.width !== options.grid.width)) {
      throw new InvalidInputError({ field: 'grid', message: `a ${architecture.mixer} model runs its own grid only`, value: options.grid });
    }
    architecture = withGrid(architecture, options.grid);
  }
  const parameters = parametersFromModel({ manifest, weights: options.weights, architecture, puzzleNames: data.puzzleNames });
  const specs = trmParameterSpecs(architecture);
  const learned = specs.filter((spec) => spec.trainable && (which === 'all' || spec.name === 'embedding.puzzle')).map((spec) => spec.name);
  const { bytes } = buildTrainingGraph({ architecture, recursion: manifest.recursion, batchSize });
  const threads = options.threads === undefined ? {} : { intraOpNumThreads: options.threads, interOpNumThreads: 1 };
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', ...threads, ...options.sessionOptions });
  const carry = StreamingCarry.forTrainer({ architecture, recursion: manifest.recursion, batchSize, seed: options.seed ?? 1 });
  const zerosLike = () => new Map(learned.map((name) => [name, new Float32Array(parameters.get(name)!.length)]));
  const firstMoment = zerosLike();
  const secondMoment = zerosLike();
  const ema = new Map(learned.map((name) => [name, parameters.get(name)!.slice()]));
  const decay = new Map(specs.map((spec) => [spec.name, spec.decay]));
  // The reference's betas; no weight decay (a few hundred steps) and no EMA (the live weights are the result).
  const settings: OptimizerSettings = { learningRate: 0, warmupSteps: 0, weightDecay: 0, beta1: 0.9, beta2: 0.95, epsilon: 1e-8, gradientClip: 1, emaDecay: 0 };
  const embeddingRate = options.learningRate ?? 1e-2;
  const weightsRate = options.weightsLearningRate ?? 1e-4;
  const stateShape = [batchSize, fullSequenceLength(architecture), architecture.hiddenSize];
  const length = architecture.sequenceLength;
  let y: any = null;
  let z: any = null;
  const recent: { loss: number; tokenAccuracy: number }[] = [];
  const started = performance.now();
  let step = 0;
  try {
    for (; step < options.steps; step++) {
      if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
      carry.refill(data);
      const zeros = () => new ort.Tensor('float32', new Float32Array(stateShape.reduce((a, b) => a * b, 1)), stateShape);
      const feeds: Record<string, unknown> = {
        [names.tokens]: new ort.Tensor('int32', carry.tokens, [batchSize, length]),
        [names.labels]: new ort.Tensor('int32', carry.labels, [batchSize, length]),
        [names.finalLabels]: new ort.Tensor('int32', carry.finalLabels, [batchSize, length]),
        [names.puzzleIdentifiers]: new ort.Tensor('int32', carry.puzzleIdentifiers, [batchSize, 1]),
        [names.y]: y ?? zeros(),
        [names.z]: z ?? zeros(),
        [names.reset]: new ort.Tensor('float32', carry.reset, [batchSize, 1, 1]),
      };
      for (const spec of specs) feeds[names.parameter(spec.name)] = new ort.Tensor('float32', parameters.get(spec.name)!, [...spec.shape]);
      const outputs = await session.run(feeds);
      // Warm-up over the first 10 steps: the fresh moments would otherwise take full-size steps on noise.
      const warm = Math.min(1, (step + 1) / 10);
      const gradientsOf = (selected: string[]) => new Map(selected.map((name) => [name, outputs[names.gradient(name)].data as Float32Array]));
      const embedding = ['embedding.puzzle'];
      applyAdamW({ settings, step, learningRate: embeddingRate * warm, parameters, gradients: gradientsOf(embedding), firstMoment, secondMoment, ema, decay });
      const others = learned.filter((name) => name !== 'embedding.puzzle');
      if (others.length > 0) applyAdamW({ settings, step, learningRate: weightsRate * warm, parameters, gradients: gradientsOf(others), firstMoment, secondMoment, ema, decay });
      y = outputs[names.yOut];
      z = outputs[names.zOut];
      carry.advance(outputs[names.qHalt].data as Float32Array, outputs[names.exact].data as Float32Array);
      const scalar = (name: string) => (outputs[name].data as Float32Array)[0]!;
      const loss = scalar(names.crossEntropy) + 0.5 * scalar(names.haltLoss);
      const tokenAccuracy = scalar(names.tokenAccuracy);
      recent.push({ loss, tokenAccuracy });
      if (recent.length > 10) recent.shift();
      options.onProgress?.({ type: 'step', step: step + 1, steps: options.steps, loss, tokenAccuracy, seconds: (performance.now() - started) / 1000 });
    }
  } finally {
    await session.release?.();
  }
  // The exported graph keeps the model's own grid (conv runs any size); only the table changed.
  const exported: Architecture = { ...manifest.architecture, puzzleIdentifiers: architecture.puzzleIdentifiers };
  const onnx = exportStepToOnnx({ architecture: exported, recursion: manifest.recursion, parameters, metadata: { id: `${manifest.id}-adapted`, adaptedSteps: String(step) } });
  const seconds = (performance.now() - started) / 1000;
  const adapted = parseModelManifest({
    ...manifest,
    id: `${manifest.id}-adapted`,
    architecture: exported,
    puzzles: { names: [...data.puzzleNames] },
    weights: [{ path: 'adapted.onnx', format: 'onnx', sha256: await sha256Hex(onnx), bytes: onnx.length }],
    training: { ...manifest.training, data: `${manifest.training.data}; then adapted (${which === 'all' ? 'all weights' : 'puzzle embeddings'}) for ${step} steps of batch ${batchSize} on: ${data.description}` },
    // Measured figures were of the model before adaptation.
    metrics: [],
    createdAt: new Date().toISOString(),
  });
  const mean = (key: 'loss' | 'tokenAccuracy') => recent.reduce((sum, entry) => sum + entry[key], 0) / Math.max(1, recent.length);
  return { manifest: adapted, weights: onnx, steps: step, seconds, finalLoss: mean('loss'), finalTokenAccuracy: mean('tokenAccuracy') };
}
