import type { ModelManifest } from './manifest/model-manifest';

/**
 * Where a model's weights come from. `weights` is a URL (file:, http(s):, blob:), a file path
 * (Node runtimes), raw bytes, or a function that produces them.
 */
export interface ModelSourceV1 {
  /** The manifest, checked (`parseModelManifest`): runtimes take a checked one as it is. */
  readonly manifest: ModelManifest;
  readonly weights: URL | string | Uint8Array | (() => Promise<Uint8Array>);
}

/**
 * The recursion state (answer y and latent z) of a batch. Opaque: a runtime may keep it on a
 * device between steps. Dispose a state once a newer one replaces it.
 */
export interface RecursionStateV1 {
  readonly batchSize: number;
  dispose(): void;
}

export interface StepInputV1 {
  readonly batchSize: number;
  /** Token ids, [batchSize, sequenceLength], row-major. */
  readonly tokens: Int32Array;
  /**
   * Candidate models (architecture.input 'candidates') read this instead of `tokens`: per slot the
   * candidate mask [batchSize, sequenceLength, vocabularySize], 1 where a token is still possible.
   */
  readonly candidates?: Uint8Array;
  /**
   * State from the previous step; null starts every slot from the model's initial state. A state
   * of another batch size is resized: slots past its end start fresh, slots past `batchSize`
   * are dropped (continuous batching grows and shrinks its batch this way).
   */
  readonly state: RecursionStateV1 | null;
  /** Per slot: 1 restarts that slot from the initial state (continuous batching refills slots this way). */
  readonly reset?: Uint8Array;
  /**
   * Per slot, the slot of `state` whose recursion it continues (default: the same slot; an index
   * past the state's end starts fresh). Continuous batching packs its running samples to the front
   * this way, so slots freed at the end of a stream stop costing compute. Reset slots ignore it.
   */
  readonly carry?: Int32Array;
  /** Per slot puzzle identifier (0 when the model has a single one). */
  readonly puzzleIdentifiers?: Int32Array;
  /**
   * Gaussian noise added to the latent state z before this step, per slot standard deviation
   * (0 = none), drawn from `seed`: stochastic restarts explore different recursion paths.
   */
  readonly stateNoise?: { readonly std: Float32Array; readonly seeds: Uint32Array };
}

export interface StepOutputV1 {
  readonly state: RecursionStateV1;
  /** [batchSize, sequenceLength, vocabularySize] answer logits. */
  readonly logits: Float32Array;
  /** [batchSize] halting logits: > 0 means the model believes its answer is final. */
  readonly qHalt: Float32Array;
  /** Candidate models: [batchSize, sequenceLength, vocabularySize] keep logits (> 0: keep the candidate). */
  readonly keepLogits?: Float32Array;
}

export interface LoadedModelV1 {
  readonly specificationVersion: 'v1';
  readonly manifest: ModelManifest;
  /** One supervision step: T latent recursions, then the heads. */
  doStep(input: StepInputV1): Promise<StepOutputV1>;
  /**
   * The same weights and session at another grid size, for models whose step graph runs any
   * square grid (`runsAnyGridSize`): its manifest says that size, so every consumer of
   * `architecture.sequenceLength` works unchanged. Disposing the original releases both.
   */
  withGrid?(grid: { readonly height: number; readonly width: number }): LoadedModelV1;
  dispose(): Promise<void>;
}

export interface InferenceRuntimeV1 {
  readonly specificationVersion: 'v1';
  /** A short name for logs and results, e.g. `onnxruntime-node/cpu`. */
  readonly name: string;
  load(source: ModelSourceV1): Promise<LoadedModelV1>;
}
