// The Node entry (the `node` and `default` conditions of `exports`); browser.ts has the same API.
import { createNodeRuntime } from '@trm/runtime-node';
import { arc } from '@trm/tasks-arc';
import { maze } from '@trm/tasks-maze';
import { sudoku } from '@trm/tasks-sudoku';
import { type CreateRuntime, createSolveFunction } from './shared';

export * from './shared';

/** The runtime for this platform: here onnxruntime-node (`device` 'gpu' is CUDA; `@trm/runtime-node` has every setting). */
export const createRuntime: CreateRuntime = (settings = {}) => createNodeRuntime({ ...settings });

const shipped = /* @__PURE__ */ createSolveFunction({ specialists: () => [sudoku, maze, arc], runtime: () => createNodeRuntime() });

/**
 * Solves a sudoku, a maze or an ARC task JSON (detected from the input) with the shipped models on this machine:
 * `await solve('..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..')`.
 * Options are the shared solve options (`maxSteps`, `verifySteps`, `copies`, ...) plus `task`.
 */
export const solve = shipped.solve;
/** Frees the models `solve` loaded (a later call loads them again). */
export const disposeSolve = shipped.dispose;
