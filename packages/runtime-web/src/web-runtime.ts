import type * as ort from 'onnxruntime-web';
import {
  type InferenceRuntimeV1,
  InvalidInputError,
  type LoadedModelV1,
  ModelLoadError,
  type ModelManifest,
  type ModelSourceV1,
  type RecursionStateV1,
  RuntimeError,
  type StepInputV1,
  type StepOutputV1,
  UnsupportedDeviceError,
  type Device,
  type DeviceName,
  addStateNoise,
  fullSequenceLength,
  manifestAtGrid,
  parseModelManifest,
  stepGraphNames as names,
  carriedStateData,
  continuedSlots,
  keepsSlots,
  parseDevice,
  resetFlags,
  verifyWeights,
  checkStepGraph,
  checkSettingKeys,
  readsCandidates,
  stepInputFeed,
} from '@trm/core';

/** The device words the browser takes: the shared 'auto' | 'cpu' | 'gpu', and 'wasm' (= 'cpu') and 'webgpu' (= 'gpu'). */
export type WebDevice = DeviceName<'web'>;

export interface WebRuntimeSettings {
  /**
   * 'auto' (default) takes WebGPU when the browser offers a hardware adapter, else WebAssembly (a
   * software adapter is slower than it); 'gpu' (or 'webgpu') WebGPU on any adapter; 'cpu' (or 'wasm') WebAssembly.
   */
  device?: WebDevice;
  /** WebAssembly threads; default: all cores when the page is cross-origin isolated, else 1. */
  threads?: number;
  /** Where onnxruntime-web's .wasm files are served from, when the bundler does not place them. */
  wasmPaths?: string;
  /** Loading progress of the weights. */
  onProgress?: (event: LoadProgressEvent) => void;
}

export type LoadProgressEvent =
  | { status: 'initiate'; source: string }
  | { status: 'progress'; source: string; loaded: number; total: number }
  | { status: 'done'; source: string }
  | { status: 'ready'; source: string; device: 'cpu' | 'gpu'; executionProvider: 'wasm' | 'webgpu' };

/** A model loaded by the web runtime says where it runs: `device` in the shared words, `executionProvider` in onnxruntime's. */
export interface WebLoadedModel extends LoadedModelV1 {
  readonly device: 'cpu' | 'gpu';
  readonly executionProvider: 'wasm' | 'webgpu';
  withGrid(grid: { readonly height: number; readonly width: number }): WebLoadedModel;
}

/** The web runtime: `device` is the word asked for ('auto' until a model loads says which it got). */
export interface WebRuntime extends InferenceRuntimeV1 {
  readonly device: Device;
  load(source: ModelSourceV1): Promise<WebLoadedModel>;
}

class WebRecursionState implements RecursionStateV1 {
  constructor(
    readonly batchSize: number,
    readonly y: ort.Tensor,
    readonly z: ort.Tensor,
  ) {}
  dispose() {
    this.y.dispose();
    this.z.dispose();
  }
}

/**
 * The WebGPU adapter this browser offers: 'hardware', 'software' (a fallback adapter such as
 * SwiftShader, far slower than WebAssembly) or null when there is none.
 */
export async function webGpuAdapterKind(): Promise<'hardware' | 'software' | null> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  if (!gpu) return null;
  try {
    const adapter = (await gpu.requestAdapter()) as { isFallbackAdapter?: boolean; info?: { isFallbackAdapter?: boolean } } | null;
    if (!adapter) return null;
    return adapter.info?.isFallbackAdapter || adapter.isFallbackAdapter ? 'software' : 'hardware';
  } catch {
    return null;
  }
}

type Ort = typeof import('onnxruntime-web');
const inNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

/**
 * The onnxruntime-web build for a device. In browsers, WebAssembly takes the plain build: the
 * default one carries WebGPU's JavaScript kernels (JSEP) and ran our models' CPU kernels 2.2x
 * slower (bench/browser.bench.js), at twice the download (28 MB of .wasm against 14). Node's
 * entry is the plain build already.
 */
function loadOrt(device: 'webgpu' | 'wasm'): Promise<Ort> {
  if (device === 'wasm' && !inNode) return import('onnxruntime-web/wasm') as Promise<Ort>;
  return import('onnxruntime-web');
}

const settingKeys: readonly string[] = ['device', 'threads', 'wasmPaths', 'onProgress'] satisfies (keyof WebRuntimeSettings)[];

/**
 * Runs TRM step graphs with onnxruntime-web. On WebGPU the recursion state stays in GPU buffers
 * between steps (outputs fed back as inputs, replaced buffers disposed); only logits and q_halt
 * come back to the CPU. Session runs are serialised.
 */
export function createWebRuntime(settings: WebRuntimeSettings = {}): WebRuntime {
  // A misspelt setting would silently do nothing: refuse it (an old name says what replaced it).
  checkSettingKeys(settings ?? {}, settingKeys, '', { intraOpThreads: 'renamed: use threads (the WebAssembly threads a step uses)' });
  const requested = parseDevice(settings.device, 'web');
  if (settings.threads !== undefined && (!Number.isInteger(settings.threads) || settings.threads < 1)) {
    throw new InvalidInputError({ field: 'threads', message: 'must be a positive integer', value: settings.threads });
  }
  return {
    specificationVersion: 'v1',
    name: `onnxruntime-web/${requested}`,
    device: requested,
    async load(source) {
      // The one place the browser's device words become execution providers: cpu is WebAssembly, gpu WebGPU.
      let device: 'webgpu' | 'wasm' = 'wasm';
      if (requested !== 'cpu') {
        const adapter = await webGpuAdapterKind();
        if (adapter === 'hardware' || (adapter === 'software' && requested === 'gpu')) device = 'webgpu';
        else if (requested === 'gpu') {
          throw new UnsupportedDeviceError({ device: 'gpu', supported: ['cpu'], message: 'device "gpu" (WebGPU) is not available in this browser (no adapter); use "cpu" (WebAssembly) or "auto"' });
        }
      }
      // Environment settings are made here, not at import, so importing the package has no effects.
      const ort = await loadOrt(device);
      const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
      const cores = (globalThis.navigator as { hardwareConcurrency?: number } | undefined)?.hardwareConcurrency ?? 1;
      ort.env.wasm.numThreads = settings.threads ?? (isolated ? cores : 1);
      if (settings.wasmPaths) ort.env.wasm.wasmPaths = settings.wasmPaths;
      const manifest = parseModelManifest(source.manifest);
      const bytes = await readWeights(source, manifest, settings.onProgress);
      let session: ort.InferenceSession;
      try {
        session = await ort.InferenceSession.create(bytes, {
          executionProviders: [device],
          graphOptimizationLevel: 'all',
          ...(device === 'webgpu' ? { preferredOutputLocation: { [names.yOut]: 'gpu-buffer', [names.zOut]: 'gpu-buffer' } } : {}),
        });
      } catch (error) {
        throw new ModelLoadError({ source: manifest.id, message: `onnxruntime-web refused the model on ${device}: ${(error as Error).message}`, cause: error });
      }
      try {
        checkStepGraph(manifest, { inputs: session.inputMetadata ?? session.inputNames.map((name) => ({ name })), outputs: session.outputMetadata ?? session.outputNames.map((name) => ({ name })) }, manifest.id);
      } catch (error) {
        await session.release();
        throw error;
      }
      settings.onProgress?.({ status: 'ready', source: manifest.id, device: device === 'webgpu' ? 'gpu' : 'cpu', executionProvider: device });
      return createLoadedModel(ort, manifest, session, device);
    },
  };
}

/**
 * A model's weight bytes, fetched with progress events and checked against the manifest's sha256
 * (what `load` runs; exported for callers that need the bytes themselves, e.g. to adapt a model).
 */
export async function readModelWeights(source: ModelSourceV1, onProgress?: (event: LoadProgressEvent) => void): Promise<Uint8Array> {
  return readWeights(source, parseModelManifest(source.manifest), onProgress);
}

async function readWeights(source: ModelSourceV1, manifest: ModelManifest, onProgress?: (event: LoadProgressEvent) => void): Promise<Uint8Array> {
  const weights = source.weights;
  const label = weights instanceof URL ? weights.href : typeof weights === 'string' ? weights : manifest.id;
  onProgress?.({ status: 'initiate', source: label });
  let bytes: Uint8Array;
  try {
    if (weights instanceof Uint8Array) bytes = weights;
    else if (typeof weights === 'function') bytes = await weights();
    else bytes = await fetchWithProgress(String(weights), label, manifest.weights[0]!.bytes, onProgress);
  } catch (error) {
    throw new ModelLoadError({ source: label, message: `cannot read weights: ${(error as Error).message}`, field: 'weights', cause: error });
  }
  await verifyWeights(bytes, manifest, label);
  onProgress?.({ status: 'done', source: label });
  return bytes;
}

async function fetchWithProgress(url: string, label: string, total: number, onProgress?: (event: LoadProgressEvent) => void): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} for ${url}`);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress?.({ status: 'progress', source: label, loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/** Browsers run one session call at a time: every call on a session (and its grid views) is chained. */
function createSerializer() {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };
}

function createLoadedModel(
  ort: Ort,
  manifest: ModelManifest,
  session: ort.InferenceSession,
  device: 'webgpu' | 'wasm',
  serialized = createSerializer(),
  ownsSession = true,
): WebLoadedModel {
  const { architecture } = manifest;
  const positions = fullSequenceLength(architecture);
  const hidden = architecture.hiddenSize;
  const length = architecture.sequenceLength;

  /** A CPU copy of a state tensor laid out for this step's slots, with optional per-slot noise. */
  async function hostState(tensor: ort.Tensor, previousBatchSize: number, continued: Int32Array, noise?: { readonly std: Float32Array; readonly seeds: Uint32Array }): Promise<ort.Tensor> {
    const data = carriedStateData((await tensor.getData()) as Float32Array, previousBatchSize, continued);
    if (noise) addStateNoise(data, continued.length, noise);
    return new ort.Tensor('float32', data, [continued.length, positions, hidden]);
  }

  return {
    specificationVersion: 'v1',
    manifest,
    device: device === 'webgpu' ? 'gpu' : 'cpu',
    executionProvider: device,
    doStep(input: StepInputV1): Promise<StepOutputV1> {
      return serialized(async () => {
        const { batchSize } = input;
        if (input.tokens.length !== batchSize * length) {
          throw new InvalidInputError({ field: 'tokens', message: `expected ${batchSize * length} ids, got ${input.tokens.length}`, value: input.tokens.length });
        }
        const previous = input.state as WebRecursionState | null;
        const continued = continuedSlots(input);
        const reset = resetFlags(continued);
        const shape = [batchSize, positions, hidden];
        let y: ort.Tensor;
        let z: ort.Tensor;
        let temporary: ort.Tensor[] = [];
        if (!previous) {
          y = new ort.Tensor('float32', new Float32Array(batchSize * positions * hidden), shape);
          z = new ort.Tensor('float32', new Float32Array(batchSize * positions * hidden), shape);
        } else if (keepsSlots(continued, previous.batchSize) && !input.stateNoise) {
          // The common case: GPU buffers go straight back in.
          y = previous.y;
          z = previous.z;
        } else {
          y = await hostState(previous.y, previous.batchSize, continued);
          z = await hostState(previous.z, previous.batchSize, continued, input.stateNoise);
          temporary = [y, z];
        }
        let results: ort.InferenceSession.OnnxValueMapType;
        // Checked before the run, so a bad mask is the caller's InvalidInputError, as in Node.
        let network: ReturnType<typeof stepInputFeed>;
        try {
          network = stepInputFeed(manifest.architecture, input, 0, batchSize);
        } catch (error) {
          for (const tensor of temporary) tensor.dispose();
          throw error;
        }
        try {
          results = await session.run({
            [network.name]: new ort.Tensor(network.type, network.data, network.dims),
            [names.puzzleIdentifiers]: new ort.Tensor('int32', input.puzzleIdentifiers ?? new Int32Array(batchSize), [batchSize, 1]),
            [names.y]: y,
            [names.z]: z,
            [names.reset]: new ort.Tensor('float32', reset, [batchSize, 1, 1]),
          });
        } catch (error) {
          throw new RuntimeError({ message: `onnxruntime-web step failed: ${(error as Error).message}`, cause: error });
        } finally {
          for (const tensor of temporary) tensor.dispose();
        }
        const logits = results[names.logits] as ort.Tensor;
        const qHalt = results[names.qHalt] as ort.Tensor;
        return {
          state: new WebRecursionState(batchSize, results[names.yOut] as ort.Tensor, results[names.zOut] as ort.Tensor),
          logits: (await logits.getData()) as Float32Array,
          qHalt: (await qHalt.getData()) as Float32Array,
          ...(readsCandidates(manifest.architecture) ? { keepLogits: (await (results[names.keepLogits] as ort.Tensor).getData()) as Float32Array } : {}),
        };
      });
    },
    // A view at another size shares the session and its queue; only the original releases it.
    withGrid: (grid) => createLoadedModel(ort, manifestAtGrid(manifest, grid), session, device, serialized, false),
    async dispose() {
      if (ownsSession) await serialized(() => session.release());
    },
  };
}
