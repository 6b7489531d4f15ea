import { type ModelSourceV1, type SpecialistV1, createSpecialist } from '@trm/core';
import type { ArcAnswer, ArcPuzzle } from './arc-puzzle';
import { arcTask } from './arc-task-definition';

export type ArcSpecialist = SpecialistV1<ArcPuzzle, ArcAnswer>;

/** The ARC specialist: the task plus a model (default: the one shipped here, or an adapted one). */
export function createArc(settings: { model?: ModelSourceV1 } = {}): ArcSpecialist {
  return createSpecialist(arcTask, settings.model);
}

/** The ARC specialist with the packaged model. */
export const arc: ArcSpecialist = /* @__PURE__ */ createArc();
