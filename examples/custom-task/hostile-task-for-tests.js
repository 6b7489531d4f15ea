// For tests: the Latin-square task with hooks that never return on marked inputs, as a task
// author's bug would (an unbounded search, a `while` that never ends).
import { task as latin } from './latin-square.js';

// Marked as { hang: 'detect' } (JSON requests) or the text 'hang:parseInput' (command lines).
const hangs = (input, hook) => input === `hang:${hook}` || (typeof input === 'object' && input !== null && input.hang === hook);

export const task = {
  ...latin,
  detect(input) {
    if (hangs(input, 'detect')) for (;;);
    return latin.detect(input);
  },
  parseInput(input, options) {
    if (hangs(input, 'parseInput')) for (;;);
    return latin.parseInput(input, options);
  },
};
export default task;
