export * from './maze-codec';
export { mazeDistances, shortestPathLength, solveMaze, canonicalPathCells, findCell } from './maze-search';
export { isValidShortestPath, mazeProblem } from './maze-rules';
export { createMazeGenerator, layoutSplit, mazeBands, mazeBandRange, mazeBandOf, type GeneratedMaze, type MazeBand } from './maze-generator';
export { applyMazeSymmetry, invertMazeSymmetry, mazeSymmetries, type MazeSymmetry } from './maze-augmentations';
export { createMazeTrainingData } from './maze-training-data';
export { parseMazeInput, mazeInputSchema, mazeLikeSide, type MazePuzzle, type MazeAnswer } from './maze-input';
export { mazeTask, mazeModelUrl, packagedMazeModel, defaultTrainingBands, parseMazeAnswer } from './maze-task';
export { createMaze, maze, type MazeSettings, type MazeSpecialist } from './maze-specialist';
