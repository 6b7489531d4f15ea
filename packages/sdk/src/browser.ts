// The browser entry (the `browser` condition of `exports`): the same API as index.ts on onnxruntime-web.
import { createWebRuntime } from '@trm/runtime-web';
import { arc } from '@trm/tasks-arc';
import { maze } from '@trm/tasks-maze';
import { sudoku } from '@trm/tasks-sudoku';
import { type CreateRuntime, createSolveFunction } from './shared';

export * from './shared';

/** The runtime for this platform: here onnxruntime-web (`device` 'gpu' is WebGPU, 'cpu' WebAssembly; `@trm/runtime-web` has every setting). */
export const createRuntime: CreateRuntime = (settings = {}) => createWebRuntime({ ...settings });

// WebAssembly: 'auto' can pick a software WebGPU adapter far slower than it (issue 16 measures and fixes the choice).
const shipped = /* @__PURE__ */ createSolveFunction({ specialists: () => [sudoku, maze, arc], runtime: () => createWebRuntime({ device: 'cpu' }) });

/**
 * Solves a sudoku, a maze or an ARC task JSON (detected from the input) with the shipped models in this browser (WebAssembly):
 * `await solve('..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..')`.
 * Options are the shared solve options (`maxSteps`, `verifySteps`, `copies`, ...) plus `task`.
 */
export const solve = shipped.solve;
/** Frees the models `solve` loaded (a later call loads them again). */
export const disposeSolve = shipped.dispose;
