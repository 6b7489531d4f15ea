/**
 * Node-only helpers (`@trm/core/node`): a user's task loaded with its request-time hooks in a
 * worker thread, each call bounded in time.
 */
export { loadIsolatedTask, type IsolatedTask, type IsolatedTaskOptions, type IsolatedHook } from './node/isolated-task';
