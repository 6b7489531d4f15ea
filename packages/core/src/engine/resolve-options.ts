import { readsCandidates } from '../contracts/manifest/architecture';
import { InvalidInputError } from '../contracts/errors/invalid-input-error';
import { type SolveManyOptionsV1, type SolveOptionsV1, type SolveStepEvent, solveOptionsSchema } from '../contracts/solve-options';
import { parseWithSchema } from '../contracts/parse-with-schema';
import type { Halting } from './halting';
import type { ModelManifest } from '../contracts/manifest/model-manifest';

/** Checked options, in the one internal form the engine runs on. */
export interface ResolvedSolveOptions {
  readonly halting: Halting;
  /** Think-longer bound while the answer does not verify (adaptive only). */
  readonly verifySteps?: number;
  readonly copies: number;
  readonly noise: number;
  readonly seed: number;
  /** Network steps a search may spend per input (0: no search; absent: the model's default, `searchBudget`). */
  readonly searchSteps?: number;
  /** Whether the call set its own steps (fixedSteps, minSteps, maxSteps, patience or verifySteps): else a search may use the manifest's steps per state. */
  readonly stepsGiven?: boolean;
  /** Candidate models in a search: the keep probability under which a candidate is dropped. */
  readonly keepThreshold?: number;
  /** In a search: follow a network step's scores down, running the network again only after a dead end. */
  readonly dive?: boolean;
  readonly signal?: AbortSignal;
}

/** A call's options resolved at its door: the shared options plus the call's own keys. */
export interface ResolvedCall<Answer> {
  readonly options: ResolvedSolveOptions;
  readonly onStep?: (event: SolveStepEvent<Answer>) => void;
  /** Slots per step for this call (the engine's default when absent). */
  readonly batchSize?: number;
  readonly scheduling: 'continuous' | 'static';
}

function checkObject(options: unknown, field: string): Record<string, unknown> {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new InvalidInputError({ field, message: 'expected an object of solve options', value: options });
  }
  return (options ?? {}) as Record<string, unknown>;
}

/** Validates solve options (an InvalidInputError names the key), applying `defaults` under them. */
export function resolveSolveOptions(options: unknown, field = 'options', defaults: SolveOptionsV1 = {}): ResolvedSolveOptions {
  // Keys given as undefined fall back to the defaults, as absent ones do.
  const given = Object.fromEntries(Object.entries(checkObject(options, field)).filter(([, value]) => value !== undefined));
  const merged = given.fixedSteps !== undefined ? { ...given } : { ...defaults, ...given };
  const parsed = parseWithSchema(solveOptionsSchema, merged, field);
  const halting: Halting =
    parsed.fixedSteps !== undefined
      ? { mode: 'fixed', steps: parsed.fixedSteps }
      : { mode: 'adaptive', minSteps: parsed.minSteps ?? 1, maxSteps: parsed.maxSteps ?? 16, ...(parsed.patience !== undefined ? { patience: parsed.patience } : {}) };
  // The call's own keys, not the defaults: a server-wide policy ({ patience: 4 }) is for the
  // network alone and leaves a search's manifest steps per state as they are.
  const stepsGiven = ['fixedSteps', 'minSteps', 'maxSteps', 'patience', 'verifySteps'].some((key) => given[key] !== undefined);
  return { halting, ...(stepsGiven ? { stepsGiven } : {}), verifySteps: parsed.verifySteps, copies: parsed.copies ?? 1, noise: parsed.noise ?? 0, seed: parsed.seed ?? 0, searchSteps: parsed.searchSteps, keepThreshold: parsed.keepThreshold, ...(parsed.dive !== undefined ? { dive: parsed.dive } : {}), signal: parsed.signal };
}

/**
 * The one door of every solving call (solver and router, single and many): the call's own keys
 * (`onStep`, and for many inputs `batchSize`, `scheduling`) are split off and checked, the rest
 * checked strictly as the shared solve options.
 */
export function resolveCall<Answer>(options: unknown, settings: { many: boolean; field?: string; defaults?: SolveOptionsV1 }): ResolvedCall<Answer> {
  const field = settings.field ?? 'options';
  const { onStep, batchSize, scheduling, ...shared } = checkObject(options, field) as SolveManyOptionsV1<Answer>;
  if (!settings.many && (batchSize !== undefined || scheduling !== undefined)) {
    throw new InvalidInputError({ field: `${field}.${batchSize !== undefined ? 'batchSize' : 'scheduling'}`, message: 'applies to solveMany only', value: batchSize ?? scheduling });
  }
  if (onStep !== undefined && typeof onStep !== 'function') throw new InvalidInputError({ field: `${field}.onStep`, message: 'expected a function', value: onStep });
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 65_536)) {
    throw new InvalidInputError({ field: `${field}.batchSize`, message: 'must be an integer from 1 to 65536', value: batchSize });
  }
  if (scheduling !== undefined && scheduling !== 'continuous' && scheduling !== 'static') {
    throw new InvalidInputError({ field: `${field}.scheduling`, message: "expected 'continuous' or 'static'", value: scheduling });
  }
  return { options: resolveSolveOptions(shared, field, settings.defaults), onStep, batchSize, scheduling: scheduling ?? 'continuous' };
}

/** Network steps a candidate model's search spends per input when the call gives no `searchSteps`. */
export const defaultCandidateSearchSteps = 2000;

/**
 * The options as recorded with a measurement (a manifest's metric settings). With the model's
 * manifest, a search is recorded as it runs: its budget, a candidate model's keep threshold, and
 * where the model fixes them, the steps per state (its halting settings then do not apply).
 */
export function describeSolveOptions(options: ResolvedSolveOptions, manifest?: ModelManifest): Record<string, string | number | boolean> {
  const searchSteps = searchBudget(options, manifest);
  const dive: Record<string, boolean> = searchSteps !== undefined && searchDive(options, manifest) ? { dive: true } : {};
  const perState = searchSteps !== undefined ? searchStepsPerState(options, manifest) : undefined;
  if (searchSteps !== undefined && perState !== undefined) {
    const keep: Record<string, number> = manifest && readsCandidates(manifest.architecture) ? { keepThreshold: options.keepThreshold ?? manifest.search?.keepThreshold ?? 0.1 } : {};
    return { searchSteps, ...keep, stepsPerState: perState, ...dive };
  }
  const { halting } = options;
  const settings: Record<string, string | number | boolean> =
    halting.mode === 'fixed' ? { halting: 'fixed', steps: halting.steps } : { halting: 'adaptive', minSteps: halting.minSteps, maxSteps: halting.maxSteps };
  if (halting.mode === 'adaptive' && halting.patience !== undefined) settings.patience = halting.patience;
  if (options.verifySteps !== undefined) settings.verifySteps = options.verifySteps;
  if (options.copies > 1) settings.copies = options.copies;
  if (options.noise > 0) settings.noise = options.noise;
  if (options.searchSteps !== undefined || searchSteps !== undefined) settings.searchSteps = options.searchSteps ?? searchSteps!;
  if (options.keepThreshold !== undefined) settings.keepThreshold = options.keepThreshold;
  return { ...settings, ...dive };
}

/**
 * The network steps a call's search may spend per input, undefined when it does not search: the
 * call's `searchSteps` (0: no search), else the model's default (a candidate model always
 * searches; a token model when its manifest gives `search.steps`).
 */
export function searchBudget(options: Pick<ResolvedSolveOptions, 'searchSteps'>, manifest?: ModelManifest): number | undefined {
  if (options.searchSteps !== undefined) return options.searchSteps === 0 ? undefined : options.searchSteps;
  return manifest?.search?.steps ?? (manifest && readsCandidates(manifest.architecture) ? defaultCandidateSearchSteps : undefined);
}

/** Whether a search dives: the call's `dive`, else the manifest's `search.dive`. */
export function searchDive(options: Pick<ResolvedSolveOptions, 'dive'>, manifest?: ModelManifest): boolean {
  return options.dive ?? manifest?.search?.dive ?? false;
}

/**
 * The steps each search state runs when the model fixes them, else undefined (the call's halting
 * applies): a candidate model was trained on one step per state; a token model runs its
 * manifest's `search.stepsPerState` unless the call set its own steps.
 */
export function searchStepsPerState(options: Pick<ResolvedSolveOptions, 'stepsGiven'>, manifest?: ModelManifest): number | undefined {
  if (manifest && readsCandidates(manifest.architecture)) return 1;
  return options.stepsGiven ? undefined : manifest?.search?.stepsPerState;
}
