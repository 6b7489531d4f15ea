import type { TaskV1 } from '@trm/core';
import { describe, expect, it } from 'vitest';
import { mixers, taskArchitecture, taskRecursion } from './task-architecture';

/** Only what the training rules read: the codec's shape and vocabulary, and the defaults. */
function gridTask(defaults: TaskV1['defaults']['architecture']): TaskV1<any, any> {
  return {
    codec: { vocabulary: ['pad', 'wall', 'open', 'start', 'end', 'path'], sequenceLength: 100, grid: { height: 10, width: 10 }, sides: { min: 4, max: 30 } },
    defaults: { architecture: defaults, recursion: { cycles: 3, latentSteps: 4, maxSupervisionSteps: 16 } },
  } as unknown as TaskV1<any, any>;
}

describe('taskArchitecture', () => {
  it("takes the codec's length and vocabulary and the task's defaults; sizes follow the hidden size", () => {
    const architecture = taskArchitecture(gridTask({ mixer: 'mlp', hiddenSize: 64 }), {});
    expect(architecture).toMatchObject({ family: 'trm', mixer: 'mlp', hiddenSize: 64, heads: 2, layers: 2, sequenceLength: 100, vocabularySize: 6, puzzleIdentifiers: 1 });
    // SwiGLU inner sizes: 8/3 of the width, rounded up to 64 (channels) and 32 (sequence).
    expect(architecture.channelInnerSize).toBe(192);
    expect(architecture.sequenceInnerSize).toBe(288);
    // An MLP mixes a fixed sequence: no grid, no kernel.
    expect(architecture.grid).toBeUndefined();
    expect(architecture.kernelSize).toBeUndefined();
  });

  it('a conv model has a grid and a kernel; a side given resizes the grid and the sequence', () => {
    const task = gridTask({ mixer: 'conv', hiddenSize: 32, prefixToCells: true });
    expect(taskArchitecture(task, {})).toMatchObject({ mixer: 'conv', grid: { height: 10, width: 10 }, kernelSize: 3, dilation: 1, prefixToCells: true, sequenceLength: 100 });
    expect(taskArchitecture(task, { side: 20, kernelSize: 5, dilation: 2 })).toMatchObject({ grid: { height: 20, width: 20 }, sequenceLength: 400, kernelSize: 5, dilation: 2 });
  });

  it('options override the defaults: hidden size, mixer, puzzle embeddings', () => {
    const architecture = taskArchitecture(gridTask({ mixer: 'conv' }), { mixer: 'attention', hiddenSize: 96, puzzleIdentifiers: 11 });
    expect(architecture).toMatchObject({ mixer: 'attention', hiddenSize: 96, heads: 3, puzzleIdentifiers: 11, sequenceLength: 100 });
    expect(architecture.kernelSize).toBeUndefined();
    expect(mixers).toEqual(['mlp', 'attention', 'conv', 'relations']);
  });

  it('a candidate model with the relations mixer takes its groups from the task’s domain', () => {
    const task = { ...gridTask({ mixer: 'mlp' }), domain: { relations: [[0, 1], [2, 3]], candidates: () => new Uint8Array(), narrow: () => true, tokens: () => new Int32Array() } };
    const architecture = taskArchitecture(task, { mixer: 'relations', input: 'candidates' });
    expect(architecture).toMatchObject({ mixer: 'relations', input: 'candidates', relations: [[0, 1], [2, 3]] });
    // Token models say nothing about their input (old manifests read the same).
    expect(taskArchitecture(task, {}).input).toBeUndefined();
  });
});

describe('taskRecursion', () => {
  it("is the task's default recursion with the cycles and latent steps given", () => {
    const task = gridTask({});
    expect(taskRecursion(task, {})).toEqual({ cycles: 3, latentSteps: 4, maxSupervisionSteps: 16 });
    expect(taskRecursion(task, { cycles: 1, latentSteps: 6 })).toEqual({ cycles: 1, latentSteps: 6, maxSupervisionSteps: 16 });
  });
});
