export { createRouter, type Router, type RouterResult, type RouterSettings, type RouterSolveOptions, type RouteDecision, type RoutedInput, type TaskDescription } from './router';
export { AmbiguousInputError } from './ambiguous-input-error';
