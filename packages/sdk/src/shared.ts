// What both entries export alike: the default specialists, the factories a user of the one-liner
// reaches for next, the typed errors it throws, and the device words.
import type { Device, InferenceRuntimeV1 } from '@trm/core';

export { createSolver, createSpecialist, type SolveOptionsV1 } from '@trm/core';
export { TrmError, InvalidInputError, ModelLoadError, UnsupportedDeviceError, AbortedError, QueueFullError } from '@trm/core';
export { deviceSchema, type Device } from '@trm/core';
export { createRouter, AmbiguousInputError, type Router, type RouterResult } from '@trm/router';
export { sudoku, sudokuTokens } from '@trm/tasks-sudoku';
export { maze } from '@trm/tasks-maze';
export { arc } from '@trm/tasks-arc';
export { createSolveFunction, type SolveFunctionOptions } from './create-solve';

/** The settings both platforms' runtimes take (each runtime package takes more). */
export interface RuntimeSettings {
  /** 'auto' (default), 'cpu' or 'gpu': CUDA in Node, WebGPU in the browser (where the CPU is WebAssembly). */
  readonly device?: Device;
  /** Threads a step uses (default: Node, all cores; browser, all cores when cross-origin isolated, else 1). */
  readonly threads?: number;
}

/** A runtime for this platform: onnxruntime-node in Node, onnxruntime-web in the browser. */
export type PlatformRuntime = InferenceRuntimeV1 & { readonly device: Device };
export type CreateRuntime = (settings?: RuntimeSettings) => PlatformRuntime;
