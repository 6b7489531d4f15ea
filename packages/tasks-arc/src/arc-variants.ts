import { createRandom, mixSeeds } from '@trm/core';
import { type ArcAugmentation, type ArcDihedral, identityColours } from './arc-augmentations';
import type { ArcGrid, ArcTask } from './arc-task';
import { arcMaxSide } from './arc-task';

/**
 * Variant v of a named task: a fixed augmentation (v = 0 is the task itself; v >= 1 is symmetry
 * v mod 8 with a colour permutation drawn from the name and v). A model with variants learns one
 * embedding per variant, as the reference learns one per augmented puzzle: with a single
 * embedding per task, a rule such as "red becomes blue" could not survive colour permutations.
 */
export function arcVariantAugmentation(name: string, variant: number): ArcAugmentation {
  if (!Number.isInteger(variant) || variant < 0) throw new RangeError(`variant ${variant}: expected an integer >= 0`);
  if (variant === 0) return { dihedral: 0, colours: identityColours };
  const random = createRandom(mixSeeds(hashName(name), variant));
  return { dihedral: (variant % 8) as ArcDihedral, colours: [0, ...random.shuffle([1, 2, 3, 4, 5, 6, 7, 8, 9])] };
}

/** The name of variant v's embedding among a model's puzzle names. */
export function arcVariantName(name: string, variant: number): string {
  return `${name}@${variant}`;
}

/** FNV-1a of a task name, so a variant's colours depend on the name alone. */
function hashName(name: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < name.length; index++) hash = Math.imul(hash ^ name.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

/** Every grid of a task that the model must place on its canvas: demonstrations and test inputs. */
function taskGrids(task: ArcTask): ArcGrid[] {
  return [...task.train.flatMap((pair) => [pair.input, pair.output]), ...task.test.map((pair) => pair.input)];
}

/**
 * The canvas side a task runs on: its largest grid side plus one (room for the end-of-grid
 * marks), at most 30. Answers larger than every grid the task shows do not fit; ARC has few.
 */
export function arcCanvasSide(task: ArcTask): number {
  let largest = 1;
  for (const grid of taskGrids(task)) largest = Math.max(largest, grid.length, grid[0]!.length);
  return Math.min(arcMaxSide, largest + 1);
}
