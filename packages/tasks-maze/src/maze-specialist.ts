import { type ModelSourceV1, type SpecialistV1, createSpecialist } from '@trm/core';
import type { MazeAnswer, MazePuzzle } from './maze-input';
import { mazeTask } from './maze-task';

export type MazeSpecialist = SpecialistV1<MazePuzzle, MazeAnswer>;

export interface MazeSettings {
  /** A different model than the packaged one (manifest plus weights). */
  model?: ModelSourceV1;
}

/**
 * Creates the maze specialist (the maze task plus a model); without settings it uses the model
 * shipped in this package. A conv model runs every side from 8 to 64; another mixer only its own.
 */
export function createMaze(settings: MazeSettings = {}): MazeSpecialist {
  return createSpecialist(mazeTask, settings.model);
}

/** The maze specialist with the packaged model. */
export const maze: MazeSpecialist = /* @__PURE__ */ createMaze();
