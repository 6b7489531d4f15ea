// Solve a sudoku and watch the search narrow its pencil marks, state by state.
// Run: pnpm --filter @trm/example-solve-sudoku start [puzzle]
import { createSolver } from '@trm/core';
import { createNodeRuntime } from '@trm/runtime-node';
import { prettySudoku, sudoku } from '@trm/tasks-sudoku';

const puzzle = process.argv[2] ?? '........1.....2.34..5.4.6....6.7.4...1.8.4...8..3....2..94......6...59..75..9....';
const solver = await createSolver({ specialist: sudoku, runtime: createNodeRuntime() });
const result = await solver.solve(puzzle, {
  // Each event is one search state: its candidates per cell, and the search's costs so far.
  onStep: ({ step, answers: [state] }) => {
    if (!state.candidates) return;
    const open = state.candidates.filter((digits) => digits.length > 1).length;
    const marks = state.candidates.reduce((sum, digits) => sum + digits.length, 0);
    console.log(`state ${step}: ${open} open cells, ${marks} pencil marks, ${state.branches} branch points, ${state.deadEnds} dead ends`);
  },
});
console.log(prettySudoku(result.value));
console.log(`${result.cost.sampleSteps} network steps, ${result.cost.branches} branch points: ${result.verified ? 'verified by the rules' : result.abstained ? 'abstained (out of budget, no answer offered as right)' : 'NOT a valid solution'}`);
await solver.dispose();
