import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
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
  parseModelManifest,
  stepGraphNames as names,
  carriedStateData,
  continuedSlots,
  keepsSlots,
  manifestAtGrid,
  resetFlags,
  parseDevice,
  verifyWeights,
  checkStepGraph,
  stepInputFeed,
  readsCandidates,
  checkSettingKeys,
} from '@trm/core';

/** The device words Node takes: the shared 'auto' | 'cpu' | 'gpu', and 'cuda' (= 'gpu'). */
export type NodeDevice = DeviceName<'node'>;

export interface NodeRuntimeSettings {
  /**
   * 'auto' (default) uses CUDA when this onnxruntime-node install and machine have it, else the
   * CPU; 'gpu' (or 'cuda') CUDA or a typed error; 'cpu' the CPU.
   */
  device?: NodeDevice;
  /** Threads a step uses (default: onnxruntime's choice, all cores). */
  threads?: number;
  /**
   * Steps that may run at once across every model this runtime loaded (default 1). One step
   * already uses all its threads; two at once (say a sudoku and a maze batch in a router)
   * split the same cores between two sets of spinning threads. On the mixed-stream bench (2 cores)
   * 1 and 2 measured the same within noise; 1 keeps the order of steps first come, first served.
   */
  concurrentSteps?: number;
  /**
   * Positions (slots x sequence length) one onnxruntime run takes on the CPU; a larger step runs
   * in consecutive parts of equal size, at least one slot each (default 2048). Past it the
   * activations outgrow the caches: on 2 cores a 30x30 maze batch of 64 ran 1.6x the maze-steps/s
   * in runs of 2 slots than in one run, and a sudoku batch of 256 in one run did 5-15% less than batch 64.
   */
  positionsPerRun?: number;
}

const settingKeys: readonly string[] = ['device', 'threads', 'concurrentSteps', 'positionsPerRun'] satisfies (keyof NodeRuntimeSettings)[];
/** Settings an earlier version took, refused with what to use now. */
const renamedSettings: Readonly<Record<string, string>> = {
  intraOpThreads: 'renamed: use threads (the threads a step uses)',
  interOpThreads: 'removed: a step graph is one chain of operators; threads sets the threads a step uses',
};

/** A run's share of the batch state: slots [start, start + count). */
interface StatePart {
  readonly start: number;
  readonly count: number;
  readonly y: ort.Tensor;
  readonly z: ort.Tensor;
}

/**
 * The carried state, kept as the parts its step ran in: the next step of the same layout feeds
 * them straight back, so a step run in parts copies no state.
 */
class NodeRecursionState implements RecursionStateV1 {
  constructor(
    readonly batchSize: number,
    readonly parts: readonly StatePart[],
  ) {}

  /** The whole [batch, positions, hidden] data of y or z (the parts joined, when there are several). */
  whole(key: 'y' | 'z'): Float32Array {
    if (this.parts.length === 1) return this.parts[0]![key].data as Float32Array;
    const perSlot = this.parts[0]![key].size / this.parts[0]!.count;
    const data = new Float32Array(this.batchSize * perSlot);
    for (const part of this.parts) data.set(part[key].data as Float32Array, part.start * perSlot);
    return data;
  }

  dispose() {
    for (const part of this.parts) {
      part.y.dispose();
      part.z.dispose();
    }
  }
}

/** The most threads a runtime takes: 4 per core (more only add contention). */
export const maxThreads = Math.max(4, 4 * availableParallelism());

/** A model loaded by the Node runtime says where it runs: `device` in the shared words, `executionProvider` in onnxruntime's. */
export interface NodeLoadedModel extends LoadedModelV1 {
  readonly device: 'cpu' | 'gpu';
  readonly executionProvider: 'cpu' | 'cuda';
  withGrid(grid: { readonly height: number; readonly width: number }): NodeLoadedModel;
}

/** The Node runtime: `device` is the word asked for ('auto' until a model loads says which it got). */
export interface NodeRuntime extends InferenceRuntimeV1 {
  readonly device: Device;
  load(source: ModelSourceV1): Promise<NodeLoadedModel>;
}

/** Runs TRM step graphs with onnxruntime-node. */
export function createNodeRuntime(settings: NodeRuntimeSettings = {}): NodeRuntime {
  // A misspelt setting would silently do nothing: refuse it (an old name says what replaced it).
  checkSettingKeys(settings ?? {}, settingKeys, '', renamedSettings);
  const device = parseDevice(settings.device, 'node');
  const threads = settings.threads;
  // More threads than a few per core only add contention; 100,000 of them exhausted memory.
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 0 || threads > maxThreads)) {
    throw new InvalidInputError({ field: 'threads', message: `must be an integer from 0 to ${maxThreads} (4 per core here; 0 is onnxruntime's choice)`, value: threads });
  }
  const concurrentSteps = settings.concurrentSteps ?? 1;
  if (!Number.isInteger(concurrentSteps) || concurrentSteps < 1) {
    throw new InvalidInputError({ field: 'concurrentSteps', message: 'must be a positive integer', value: concurrentSteps });
  }
  const lane = createLane(concurrentSteps);
  const positionsPerRun = settings.positionsPerRun ?? 2048;
  if (!Number.isInteger(positionsPerRun) || positionsPerRun < 1) throw new InvalidInputError({ field: 'positionsPerRun', message: 'must be a positive integer', value: positionsPerRun });
  return {
    specificationVersion: 'v1',
    name: `onnxruntime-node/${device}`,
    device,
    async load(source) {
      const manifest = parseModelManifest(source.manifest);
      const bytes = await readWeights(source, manifest);
      const { session, executionProvider } = await createNodeSession(bytes, { device, threads, label: manifest.id });
      try {
        checkStepGraph(manifest, { inputs: session.inputMetadata ?? session.inputNames.map((name) => ({ name })), outputs: session.outputMetadata ?? session.outputNames.map((name) => ({ name })) }, manifest.id);
      } catch (error) {
        await session.release();
        throw error;
      }
      return createLoadedModel(manifest, session, executionProvider, lane, positionsPerRun);
    },
  };
}

/** A model's weight bytes from wherever its source keeps them (path, file: or http(s) URL, bytes, a function), checked against the manifest's size and sha256. */
export async function readModelWeights(source: ModelSourceV1): Promise<Uint8Array> {
  return readWeights(source, parseModelManifest(source.manifest));
}

async function readWeights(source: ModelSourceV1, manifest: ModelManifest): Promise<Uint8Array> {
  // An http(s) or file: string is a URL, like a URL object; any other string is a path.
  const weights = typeof source.weights === 'string' && /^(https?|file):/i.test(source.weights) ? new URL(source.weights) : source.weights;
  const label = typeof weights === 'string' ? weights : weights instanceof URL ? weights.href : manifest.id;
  let bytes: Uint8Array;
  try {
    if (weights instanceof Uint8Array) bytes = weights;
    else if (typeof weights === 'function') bytes = await weights();
    else if (weights instanceof URL && weights.protocol !== 'file:') {
      const response = await fetch(weights);
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${weights.href}`);
      bytes = new Uint8Array(await response.arrayBuffer());
    }
    else {
      const path = weights instanceof URL ? fileURLToPath(weights) : weights;
      // Checked before reading: a device file (/dev/zero) or a huge file is refused, not read whole.
      const info = await stat(path);
      const expected = manifest.weights[0]?.bytes;
      if (!info.isFile()) throw new Error(`${path} is not a regular file`);
      if (expected !== undefined && info.size !== expected) throw new Error(`${path} has ${info.size} bytes, the manifest says ${expected}`);
      bytes = await readFile(path);
    }
  } catch (error) {
    throw new ModelLoadError({ source: label, message: `cannot read weights: ${(error as Error).message}`, field: 'weights', cause: error });
  }
  await verifyWeights(bytes, manifest, label);
  return bytes;
}

/**
 * An onnxruntime-node session on a device word: the one place Node's device words become execution
 * providers. 'gpu' (or 'cuda') is CUDA or an `UnsupportedDeviceError`; 'auto' (default) is CUDA where
 * its provider library is installed and works, else the CPU; 'cpu' the CPU. The runtime's models and
 * the trainer's training graphs load through it; `threads` is onnxruntime's intra-op thread count.
 */
export async function createNodeSession(
  bytes: Uint8Array,
  settings: { readonly device?: NodeDevice; readonly threads?: number; readonly label: string },
): Promise<{ session: ort.InferenceSession; device: 'cpu' | 'gpu'; executionProvider: 'cpu' | 'cuda' }> {
  const device = parseDevice(settings.device, 'node');
  const options: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    // A step graph is one chain of operators: nothing to run side by side.
    interOpNumThreads: 1,
    ...(settings.threads !== undefined ? { intraOpNumThreads: settings.threads } : {}),
  };
  // 'auto' tries CUDA only when its provider library was installed (onnxruntime-node downloads it
  // at install time unless told to skip), so CPU-only machines never see a failed load (which
  // prints onnxruntime's library errors whatever the log level).
  if (device === 'gpu' || (device === 'auto' && cudaProviderInstalled())) {
    try {
      // Fatal-only logging: a failed CUDA load is reported by our typed error, not by onnxruntime's log.
      return { session: await ort.InferenceSession.create(bytes, { ...options, executionProviders: ['cuda'], logSeverityLevel: 4 }), device: 'gpu', executionProvider: 'cuda' };
    } catch (error) {
      if (device === 'gpu') {
        throw new UnsupportedDeviceError({
          device: 'gpu',
          supported: ['cpu'],
          message:
            'device "gpu" (CUDA) is not available: this onnxruntime-node install has no working CUDA execution provider ' +
            '(install its CUDA binaries on a machine with an NVIDIA GPU and CUDA 12), use device "cpu" or "auto"',
          cause: error,
        });
      }
    }
  }
  try {
    return { session: await ort.InferenceSession.create(bytes, { ...options, executionProviders: ['cpu'] }), device: 'cpu', executionProvider: 'cpu' };
  } catch (error) {
    throw new ModelLoadError({ source: settings.label, message: `onnxruntime refused the model: ${(error as Error).message}`, cause: error });
  }
}

/** The previous state laid out for this step's slots (resized and/or with slots moved by `carry`). */

function cudaProviderInstalled(): boolean {
  try {
    const packageDirectory = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    return existsSync(join(packageDirectory, 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}

/** Lets at most `limit` tasks run at once, first come first served. */
/** One output of every run of a step, joined in slot order (the runs' own array when there is one). */
function joinOutputs(outputs: readonly ort.InferenceSession.OnnxValueMapType[], name: string, batchSize: number): Float32Array {
  if (outputs.length === 1) return (outputs[0]![name] as ort.Tensor).data as Float32Array;
  const perSlot = (outputs[0]![name] as ort.Tensor).size / (outputs[0]![name] as ort.Tensor).dims[0]!;
  const data = new Float32Array(batchSize * perSlot);
  let offset = 0;
  for (const output of outputs) {
    const tensor = output[name] as ort.Tensor;
    data.set(tensor.data as Float32Array, offset);
    offset += tensor.size;
    tensor.dispose();
  }
  return data;
}

function createLane(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, so a newcomer cannot jump the queue.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

function createLoadedModel(manifest: ModelManifest, session: ort.InferenceSession, executionProvider: 'cpu' | 'cuda', lane: ReturnType<typeof createLane>, positionsPerRun: number, ownsSession = true): NodeLoadedModel {
  const { architecture } = manifest;
  const positions = fullSequenceLength(architecture);
  const hidden = architecture.hiddenSize;
  const length = architecture.sequenceLength;
  return {
    specificationVersion: 'v1',
    manifest,
    device: executionProvider === 'cuda' ? 'gpu' : 'cpu',
    executionProvider,
    async doStep(input: StepInputV1): Promise<StepOutputV1> {
      const { batchSize } = input;
      if (input.tokens.length !== batchSize * length) {
        throw new InvalidInputError({ field: 'tokens', message: `expected ${batchSize * length} ids, got ${input.tokens.length}`, value: input.tokens.length });
      }
      const previous = input.state as NodeRecursionState | null;
      const continued = continuedSlots(input);
      // Runs of equal size, at most `positionsPerRun` positions each on the CPU (the caches).
      const perRun = executionProvider === 'cpu' ? Math.max(1, Math.floor(positionsPerRun / positions)) : batchSize;
      const size = Math.ceil(batchSize / Math.ceil(batchSize / perRun));
      const layout = Array.from({ length: Math.ceil(batchSize / size) }, (_, index) => ({ start: index * size, count: Math.min(size, batchSize - index * size) }));
      const sameLayout = previous !== null && keepsSlots(continued, previous.batchSize) && previous.parts.length === layout.length && previous.parts.every((part, index) => part.count === layout[index]!.count);
      // Otherwise the state is laid out anew (moved slots, another size): whole, then cut into this step's runs.
      const laidOut = previous && !sameLayout ? { y: carriedStateData(previous.whole('y'), previous.batchSize, continued), z: carriedStateData(previous.whole('z'), previous.batchSize, continued) } : undefined;
      const perSlot = positions * hidden;
      const stateOf = (key: 'y' | 'z', index: number, start: number, count: number): ort.Tensor => {
        if (sameLayout) return previous!.parts[index]![key];
        const data = laidOut ? laidOut[key].subarray(start * perSlot, (start + count) * perSlot) : new Float32Array(count * perSlot);
        return new ort.Tensor('float32', data, [count, positions, hidden]);
      };
      const reset = resetFlags(continued);
      const puzzleIdentifiers = input.puzzleIdentifiers ?? new Int32Array(batchSize);
      const runs = layout.map(({ start, count }, index) => {
        const z = stateOf('z', index, start, count);
        if (previous && input.stateNoise) {
          const { std, seeds } = input.stateNoise;
          addStateNoise(z.data as Float32Array, count, { std: std.subarray(start, start + count), seeds: seeds.subarray(start, start + count) });
        }
        const network = stepInputFeed(architecture, input, start, count);
        const feeds: Record<string, ort.Tensor> = {
          [network.name]: new ort.Tensor(network.type, network.data, network.dims),
          [names.puzzleIdentifiers]: new ort.Tensor('int32', puzzleIdentifiers.subarray(start, start + count), [count, 1]),
          [names.y]: stateOf('y', index, start, count),
          [names.z]: z,
          [names.reset]: new ort.Tensor('float32', reset.subarray(start, start + count), [count, 1, 1]),
        };
        return { start, count, feeds };
      });
      let outputs: ort.InferenceSession.OnnxValueMapType[];
      try {
        outputs = await lane(async () => {
          const done: ort.InferenceSession.OnnxValueMapType[] = [];
          for (const run of runs) done.push(await session.run(run.feeds));
          return done;
        });
      } catch (error) {
        throw new RuntimeError({ message: `onnxruntime step failed: ${(error as Error).message}`, cause: error });
      }
      const parts = runs.map(({ start, count }, index) => ({ start, count, y: outputs[index]![names.yOut] as ort.Tensor, z: outputs[index]![names.zOut] as ort.Tensor }));
      return {
        state: new NodeRecursionState(batchSize, parts),
        logits: joinOutputs(outputs, names.logits, batchSize),
        qHalt: joinOutputs(outputs, names.qHalt, batchSize),
        ...(readsCandidates(architecture) ? { keepLogits: joinOutputs(outputs, names.keepLogits, batchSize) } : {}),
      };
    },
    // A view at another size shares the session; only the model that created it releases it.
    withGrid: (grid) => createLoadedModel(manifestAtGrid(manifest, grid), session, executionProvider, lane, positionsPerRun, false),
    async dispose() {
      if (ownsSession) await session.release();
    },
  };
}
