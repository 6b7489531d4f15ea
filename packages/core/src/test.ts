/**
 * Test helpers: a scripted runtime that needs no model, so that loops, solvers and routers can be
 * tested without weights.
 */
export { createMockRuntime, type MockModelScript, type MockRuntime, type MockStepContext } from './testing/mock-runtime';
export { testManifest } from './testing/test-manifest';
export { toyDigitSpecialist, toyDigitRuntime } from './testing/toy-digits';
