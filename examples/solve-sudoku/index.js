// Solve a sudoku and watch the answer improve step by step.
// Run: pnpm --filter @trm/example-solve-sudoku start [puzzle]
import { createSolver } from '@trm/core';
import { createNodeRuntime } from '@trm/runtime-node';
import { prettySudoku, sudoku } from '@trm/tasks-sudoku';

const puzzle = process.argv[2] ?? '..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..';
const solver = await createSolver({ specialist: sudoku, runtime: createNodeRuntime() });
const result = await solver.solve(puzzle, {
  onStep: ({ step, answers }) => {
    const { tokenConfidence, confidence } = answers[0];
    const sure = tokenConfidence.filter((p) => p > 0.9).length;
    console.log(`step ${step}: ${sure}/81 cells above 90% confidence, halting confidence ${(100 * confidence).toFixed(1)}%`);
  },
});
console.log(prettySudoku(result.value));
console.log(`${result.steps} steps, ${result.verified ? 'verified by the rules' : 'NOT a valid solution'}`);
await solver.dispose();
