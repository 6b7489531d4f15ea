// Route a Latin square and a sudoku through one router: the custom task beside a built-in one.
// Run: pnpm --filter @trm/example-custom-task start ["<36 cells>"]
import { createRandom, createSpecialist } from '@trm/core';
import { createRouter } from '@trm/router';
import { createNodeRuntime } from '@trm/runtime-node';
import { sudoku } from '@trm/tasks-sudoku';
import { randomPuzzle, task } from './latin-square.js';

// Default: a generated puzzle with 16 blanks.
const square = process.argv[2] ?? task.formatInput(randomPuzzle(createRandom(2026), [16, 16]));
console.log(task.prettyInput(task.parseInput(square)), '\n');
const router = createRouter({ specialists: [createSpecialist(task), sudoku], runtime: createNodeRuntime() });
const result = await router.solve(square);
console.log(`${result.task}: ${result.answer} (${result.steps} steps, ${result.verified ? 'verified by the rules' : 'NOT a valid completion'})`);
console.log(task.prettyAnswer(result.value));
await router.dispose();
