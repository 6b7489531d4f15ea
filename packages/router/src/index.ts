export { createRouter, type Router, type RouterResult, type RouterSettings, type RouterSolveOptions, type RouteDecision, type TaskDescription } from './router';
export { AmbiguousInputError } from './ambiguous-input-error';
export { createSolveFunction, type SolveFunctionOptions } from './create-solve';
