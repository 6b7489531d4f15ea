import { InvalidInputError } from '../contracts/errors/invalid-input-error';
import { ModelLoadError } from '../contracts/errors/model-load-error';
import type { ModelManifest } from '../contracts/manifest/model-manifest';
import type { Architecture } from '../contracts/manifest/architecture';
import { fullSequenceLength, hasGrid, readsCandidates, runsAnyGridSize, withGrid } from '../contracts/manifest/architecture';
import { stepGraphNames as names } from './step-graph-names';
import { sha256Hex } from '../util/sha256';
import { createRandom } from '../util/random';
import type { LoadedModelV1, StepInputV1 } from '../contracts/inference-runtime';

/** Shared by runtimes: checks weights against the manifest's size and sha256. */
export async function verifyWeights(bytes: Uint8Array, manifest: ModelManifest, source: string): Promise<void> {
  const expected = manifest.weights[0]!;
  if (bytes.length !== expected.bytes) {
    throw new ModelLoadError({ source, message: `weights are ${bytes.length} bytes, the manifest says ${expected.bytes}`, field: 'weights' });
  }
  const actual = await sha256Hex(bytes);
  if (actual !== expected.sha256) {
    throw new ModelLoadError({ source, message: `weights sha256 ${actual} differs from the manifest's ${expected.sha256}`, field: 'weights' });
  }
}

/**
 * Per slot of this step, the slot of the previous state it continues (`carry`, default the same
 * slot), or -1 when it starts fresh: no state, a slot past the state's end, or a reset. Runtimes
 * compute it once per step and derive the graph's reset flags and the carried state from it.
 */
export function continuedSlots(input: StepInputV1): Int32Array {
  const previous = input.state;
  if (input.carry && input.carry.length !== input.batchSize) {
    throw new InvalidInputError({ field: 'carry', message: `expected one source slot per slot (${input.batchSize})`, value: input.carry.length });
  }
  const continued = new Int32Array(input.batchSize);
  for (let slot = 0; slot < input.batchSize; slot++) {
    const source = input.carry?.[slot] ?? slot;
    continued[slot] = !previous || source < 0 || source >= previous.batchSize || input.reset?.[slot] === 1 ? -1 : source;
  }
  return continued;
}

/** The graph's `reset` input: 1 for the slots that start fresh. */
export function resetFlags(continued: Int32Array): Float32Array {
  return Float32Array.from(continued, (source) => (source < 0 ? 1 : 0));
}

/** True when the previous state can go straight back in: same size, no slot moved (fresh slots are reset by the graph). */
export function keepsSlots(continued: Int32Array, previousBatchSize: number): boolean {
  return continued.length === previousBatchSize && continued.every((source, slot) => source === slot || source < 0);
}

/** A copy of a [previousBatchSize, ...] state laid out for this step's slots; fresh slots are zero (the graph resets them). */
export function carriedStateData(source: Float32Array, previousBatchSize: number, continued: Int32Array): Float32Array {
  const perSlot = source.length / previousBatchSize;
  const data = new Float32Array(continued.length * perSlot);
  continued.forEach((from, slot) => {
    if (from >= 0) data.set(source.subarray(from * perSlot, (from + 1) * perSlot), slot * perSlot);
  });
  return data;
}

/**
 * Adds N(0, std[slot]^2) to each slot's part of a [batch, ...] state, in place. Each slot draws
 * from its own seed, so a sample's noise does not depend on what shares its batch.
 */
export function addStateNoise(data: Float32Array, batchSize: number, noise: { std: Float32Array; seeds: Uint32Array }): void {
  const perSlot = data.length / batchSize;
  for (let slot = 0; slot < batchSize; slot++) {
    const std = noise.std[slot] ?? 0;
    if (std <= 0) continue;
    const random = createRandom(noise.seeds[slot] ?? 0);
    const end = (slot + 1) * perSlot;
    for (let index = slot * perSlot; index < end; index += 2) {
      // Box-Muller: two normal samples per pair of uniforms.
      const radius = std * Math.sqrt(-2 * Math.log(1 - random.next()));
      const angle = 2 * Math.PI * random.next();
      data[index] += radius * Math.cos(angle);
      if (index + 1 < end) data[index + 1] += radius * Math.sin(angle);
    }
  }
}

/**
 * The manifest of a loaded model viewed at another grid size, checked: only graphs that run any
 * square grid can be resized, to a square of at least the kernel's side.
 */
export function manifestAtGrid(manifest: ModelManifest, grid: { height: number; width: number }): ModelManifest {
  if (!runsAnyGridSize(manifest.architecture)) {
    throw new InvalidInputError({ field: 'grid', message: `model ${manifest.id} (${manifest.architecture.mixer} mixer) runs only its own size`, value: grid });
  }
  if (!Number.isInteger(grid.height) || grid.height < 2 || grid.height > 256 || grid.width !== grid.height) {
    throw new InvalidInputError({ field: 'grid', message: 'expected a square grid with a side from 2 to 256', value: grid });
  }
  return { ...manifest, architecture: withGrid(manifest.architecture, grid) };
}

/** The model for an input of this grid: itself when it has that size, else a view at it (conv models). */
export function modelAtGrid(model: LoadedModelV1, grid: { height: number; width: number } | undefined): LoadedModelV1 {
  if (!grid || hasGrid(model.manifest.architecture, grid)) return model;
  const key = `${grid.height}x${grid.width}`;
  if (!model.withGrid) throw new InvalidInputError({ field: 'input', message: `model ${model.manifest.id} runs only its own size; this input is ${key}`, value: key });
  return model.withGrid(grid);
}

/** What a runtime reports of a graph's inputs and outputs (onnxruntime's `inputMetadata`, where it has it). */
export interface GraphValueInfo {
  readonly name: string;
  readonly isTensor?: boolean;
  readonly type?: string;
  readonly shape?: ReadonlyArray<number | string>;
}

/**
 * Checks a loaded graph against its manifest before any step runs: every input and output of the
 * step contract present, with the element type and the sizes the manifest implies (symbolic sizes,
 * such as the batch or a conv model's cells, match any). A renamed output or a graph of another
 * architecture whose sha256 was put in its manifest is refused here, not at the first step.
 */
export function checkStepGraph(manifest: ModelManifest, graph: { inputs: readonly GraphValueInfo[]; outputs: readonly GraphValueInfo[] }, source: string): void {
  const { architecture } = manifest;
  // A conv model is exported at one grid and runs at any: its cell counts may be symbolic.
  const cells = architecture.sequenceLength;
  const positions = fullSequenceLength(architecture);
  const hidden = architecture.hiddenSize;
  const expected: { side: 'input' | 'output'; name: string; type: string; shape: (number | null)[] }[] = [
    readsCandidates(architecture)
      ? { side: 'input', name: names.candidates, type: 'float32', shape: [null, cells, architecture.vocabularySize] }
      : { side: 'input', name: names.tokens, type: 'int32', shape: [null, cells] },
    { side: 'input', name: names.puzzleIdentifiers, type: 'int32', shape: [null, 1] },
    { side: 'input', name: names.y, type: 'float32', shape: [null, positions, hidden] },
    { side: 'input', name: names.z, type: 'float32', shape: [null, positions, hidden] },
    { side: 'input', name: names.reset, type: 'float32', shape: [null, 1, 1] },
    { side: 'output', name: names.yOut, type: 'float32', shape: [null, positions, hidden] },
    { side: 'output', name: names.zOut, type: 'float32', shape: [null, positions, hidden] },
    { side: 'output', name: names.logits, type: 'float32', shape: [null, cells, architecture.vocabularySize] },
    { side: 'output', name: names.qHalt, type: 'float32', shape: [null] },
    ...(readsCandidates(architecture) ? [{ side: 'output' as const, name: names.keepLogits, type: 'float32', shape: [null, cells, architecture.vocabularySize] }] : []),
  ];
  for (const want of expected) {
    const values = want.side === 'input' ? graph.inputs : graph.outputs;
    const found = values.find((value) => value.name === want.name);
    const refuse = (what: string) => {
      throw new ModelLoadError({ source, field: 'weights', message: `the graph's ${want.side} "${want.name}" ${what}: this file is not a TRM step graph for this manifest (export it again with \`trm export\`)` });
    };
    if (!found) refuse(`is missing (${want.side}s: ${values.map((value) => value.name).join(', ') || 'none'})`);
    if (found!.isTensor === false) refuse('is not a tensor');
    if (found!.type !== undefined && found!.type !== want.type) refuse(`is ${found!.type}, expected ${want.type}`);
    const shape = found!.shape;
    if (shape === undefined || shape.length === 0) continue; // the runtime does not say
    if (shape.length !== want.shape.length) refuse(`has ${shape.length} dimensions, expected ${want.shape.length}`);
    want.shape.forEach((size, axis) => {
      const actual = shape[axis];
      if (size !== null && typeof actual === 'number' && actual >= 0 && actual !== size) refuse(`has size ${actual} on axis ${axis}, the manifest implies ${size}`);
    });
  }
}

/**
 * The network's input for slots [start, start + count) of a step: token ids, or for a candidate
 * model the candidate masks as floats. Checked once here for both runtimes.
 */
export function stepInputFeed(architecture: Architecture, input: StepInputV1, start: number, count: number): { name: string; type: 'int32' | 'float32'; data: Int32Array | Float32Array; dims: number[] } {
  const { sequenceLength: length, vocabularySize: vocabulary } = architecture;
  if (!readsCandidates(architecture)) return { name: names.tokens, type: 'int32', data: input.tokens.subarray(start * length, (start + count) * length), dims: [count, length] };
  const mask = input.candidates;
  if (!mask || mask.length !== input.batchSize * length * vocabulary) {
    throw new InvalidInputError({ field: 'candidates', message: `this model reads candidate sets: expected ${input.batchSize * length * vocabulary} mask values ([batch, ${length}, ${vocabulary}]), got ${mask ? mask.length : 'none'}`, value: mask?.length });
  }
  return { name: names.candidates, type: 'float32', data: Float32Array.from(mask.subarray(start * length * vocabulary, (start + count) * length * vocabulary)), dims: [count, length, vocabulary] };
}
