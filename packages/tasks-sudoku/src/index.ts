export * from './sudoku-codec';
export { solveSudoku, type SolveStatistics } from './sudoku-solver';
export { isValidSolution, hasConsistentGivens } from './sudoku-rules';
export { createSudokuGenerator, gradeOf, rateSudoku, randomSolvedGrid, type GeneratedSudoku, type SudokuGrade } from './sudoku-generator';
export { randomSudokuAugmentation, applySudokuAugmentation, invertSudokuAugmentation, type SudokuAugmentation } from './sudoku-augmentations';
export { createSudokuTrainingData, type SudokuTrainingDataOptions } from './sudoku-training-data';
export { createSudoku, sudoku, parseSudokuInput, sudokuInputSchema, type SudokuPuzzle, type SudokuAnswer, type SudokuSettings, type SudokuSpecialist } from './sudoku-specialist';
