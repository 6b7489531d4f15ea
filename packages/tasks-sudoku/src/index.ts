export * from './sudoku-codec';
export { solveSudoku, type SolveStatistics } from './sudoku-solver';
export { isValidSolution, hasConsistentGivens, sudokuClashes, describeSudokuClash, type SudokuClash } from './sudoku-rules';
export { createSudokuGenerator, gradeOf, rateSudoku, randomSolvedGrid, type GeneratedSudoku, type SudokuGrade } from './sudoku-generator';
export { randomSudokuAugmentation, applySudokuAugmentation, invertSudokuAugmentation, type SudokuAugmentation } from './sudoku-augmentations';
export { createSudokuTrainingData, type SudokuTrainingDataOptions } from './sudoku-training-data';
export { parseSudokuInput, sudokuInputSchema, looksLikeSudoku, type SudokuPuzzle, type SudokuAnswer } from './sudoku-input';
export { sudokuTask, sudokuModelUrl, packagedSudokuModel } from './sudoku-task';
export { createSudoku, sudoku, type SudokuSettings, type SudokuSpecialist } from './sudoku-specialist';
