/**
 * A scripted runtime that needs no model, so that loops, solvers and routers can be
 * tested without weights.
 */
import type { ModelManifest } from '../contracts/manifest/model-manifest';
import { continuedSlots } from '../runtime/runtime-helpers';
import type { InferenceRuntimeV1, LoadedModelV1, RecursionStateV1, StepInputV1, StepOutputV1 } from '../contracts/inference-runtime';

export interface MockStepContext {
  /** 1-based step count of this slot since its last reset. */
  readonly step: number;
  /** Token ids of this slot. */
  readonly tokens: Int32Array;
  readonly slot: number;
}

export interface MockModelScript {
  /** The answer tokens [sequenceLength] this slot shows after `step` steps. */
  answer(context: MockStepContext): ArrayLike<number>;
  /** The halting logit after `step` steps. */
  qHalt(context: MockStepContext): number;
}

class MockState implements RecursionStateV1 {
  disposed = false;
  constructor(
    readonly batchSize: number,
    readonly steps: Int32Array,
  ) {}
  dispose() {
    this.disposed = true;
  }
}

export interface MockRuntime extends InferenceRuntimeV1 {
  /** Every doStep call, in order. */
  readonly calls: StepInputV1[];
  readonly states: MockState[];
}

/** A runtime whose model follows a script; records every call. */
export function createMockRuntime(options: { manifest: ModelManifest; script: MockModelScript }): MockRuntime {
  const calls: StepInputV1[] = [];
  const states: MockState[] = [];
  const { manifest, script } = options;
  const { sequenceLength, vocabularySize } = manifest.architecture;
  const model: LoadedModelV1 = {
    specificationVersion: 'v1',
    manifest,
    async doStep(input): Promise<StepOutputV1> {
      // Callers may reuse their buffers, so record a snapshot.
      calls.push({ ...input, tokens: input.tokens.slice(), reset: input.reset?.slice(), carry: input.carry?.slice() });
      const previous = input.state as MockState | null;
      if (previous?.disposed) throw new Error('mock runtime: step given a disposed state');
      const steps = new Int32Array(input.batchSize);
      const logits = new Float32Array(input.batchSize * sequenceLength * vocabularySize);
      const qHalt = new Float32Array(input.batchSize);
      const continued = continuedSlots(input);
      for (let slot = 0; slot < input.batchSize; slot++) {
        const source = continued[slot]!;
        steps[slot] = (source < 0 ? 0 : previous!.steps[source]!) + 1;
        const context = { step: steps[slot], tokens: input.tokens.subarray(slot * sequenceLength, (slot + 1) * sequenceLength), slot };
        const answer = script.answer(context);
        for (let position = 0; position < sequenceLength; position++) {
          logits[(slot * sequenceLength + position) * vocabularySize + answer[position]] = 10;
        }
        qHalt[slot] = script.qHalt(context);
      }
      const state = new MockState(input.batchSize, steps);
      states.push(state);
      return { state, logits, qHalt };
    },
    async dispose() {},
  };
  return {
    specificationVersion: 'v1',
    name: 'mock',
    calls,
    states,
    async load() {
      return model;
    },
  };
}

