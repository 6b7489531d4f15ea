import { type ModelSourceV1, type SpecialistV1, createSpecialist } from '@trm/core';
import type { SudokuAnswer, SudokuPuzzle } from './sudoku-input';
import { packagedSudokuTokenModel, sudokuTask } from './sudoku-task';

export interface SudokuSettings {
  /** A different model than the packaged one (manifest plus weights). */
  model?: ModelSourceV1;
}

export type SudokuSpecialist = SpecialistV1<SudokuPuzzle, SudokuAnswer>;

/** Creates the sudoku specialist (the sudoku task plus a model); without settings it uses the model shipped in this package. */
export function createSudoku(settings: SudokuSettings = {}): SudokuSpecialist {
  return createSpecialist(sudokuTask, settings.model);
}

/**
 * The sudoku specialist with the packaged candidate model: it reads each state's pencil marks,
 * drops the candidates it would not keep and searches, so every answer is right or it abstains.
 */
export const sudoku: SudokuSpecialist = /* @__PURE__ */ createSudoku();

/** The sudoku specialist with the earlier token model (faster per puzzle, wrong a quarter of the time on Kaggle unless it searches). */
export const sudokuTokens: SudokuSpecialist = /* @__PURE__ */ createSudoku({ model: packagedSudokuTokenModel() });
