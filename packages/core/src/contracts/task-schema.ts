import { z } from 'zod';
import { recursionSchema } from './manifest/architecture';
import { searchSettingsSchema } from './manifest/model-manifest';
import { parseWithSchema } from './parse-with-schema';
import type { TaskV1 } from './task';

const fn = (what: string) => z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', `expected a function: ${what}`);

const optionSchema = z.object({
  type: z.enum(['string', 'number', 'boolean']),
  description: z.string(),
  min: z.number().optional(),
  max: z.number().optional(),
  integer: z.boolean().optional(),
  choices: z.array(z.string()).optional(),
  list: z.boolean().optional(),
});

/**
 * The shape of a task as a schema: what a task module loaded at run time (`--task ./my-task.js`)
 * is checked against before any tool uses it, so a mistake is a typed error naming the field.
 */
export const taskSchema = z.object({
  specificationVersion: z.literal('v1'),
  name: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes (model ids start with it)'),
  description: z.string(),
  codec: z.object({
    vocabulary: z.array(z.string()).min(2),
    sequenceLength: z.number().int().positive(),
    grid: z.object({ height: z.number().int().positive(), width: z.number().int().positive() }).optional(),
    sides: z.object({ min: z.number().int().positive(), max: z.number().int().positive() }).optional(),
    encode: fn('encode(input) -> Int32Array'),
    decode: fn('decode(tokens, input) -> answer'),
    inputFromTokens: fn('inputFromTokens(tokens) -> input').optional(),
  }),
  inputSchema: z.custom<z.ZodType>((value) => typeof value === 'object' && value !== null && typeof (value as { safeParse?: unknown }).safeParse === 'function', 'expected a zod schema'),
  parseInput: fn('parseInput(raw) -> input'),
  detect: fn('detect(raw) -> 0..1'),
  grid: fn('grid(input) -> { height, width }').optional(),
  puzzleIdentifier: fn('puzzleIdentifier(input, puzzleNames) -> number').optional(),
  verify: fn('verify(input, answer) -> boolean'),
  correctness: z.enum(['verify', 'exact']).optional(),
  accuracyMetric: z.string().regex(/^[a-z0-9-]+$/).optional(),
  formatAnswer: fn('formatAnswer(answer) -> string'),
  formatInput: fn('formatInput(input) -> string'),
  parseAnswer: fn('parseAnswer(text, input) -> answer').optional(),
  prettyAnswer: fn('prettyAnswer(answer, input) -> string').optional(),
  prettyInput: fn('prettyInput(input) -> string').optional(),
  verifiedMeans: z.string().optional(),
  unverifiedMeans: z.string().optional(),
  domain: z
    .object({
      candidates: fn('candidates(input) -> Uint8Array mask'),
      narrow: fn('narrow(input, mask) -> boolean'),
      tokens: fn('tokens(input, mask) -> Int32Array'),
      target: fn('target(input, mask) -> Uint8Array | null').optional(),
      relations: z.array(z.array(z.number().int().nonnegative())).optional(),
    })
    .optional(),
  augment: fn('augment(input, random) -> { input, restore }').optional(),
  ratingBucket: fn('ratingBucket(rating, input) -> string').optional(),
  training: z
    .object({
      options: z.record(z.string(), optionSchema).optional(),
      data: fn('data(options) -> { description, next() }'),
      heldOut: fn('heldOut(options) -> raw inputs').optional(),
    })
    .optional(),
  dataset: z.object({ options: z.record(z.string(), optionSchema).optional(), generate: fn('generate(options) -> rows') }).optional(),
  files: z
    .object({
      parseFile: fn('parseFile(text, name) -> raw input'),
      answer: fn('answer(solver, raw, options) -> attempts'),
      references: fn('references(raw) -> answers'),
      partialCredit: fn('partialCredit(answer, expected) -> number').optional(),
      adaptation: fn('adaptation(raw, options) -> { data, grid, name, selfCheck }').optional(),
      named: fn('named(raw, name) -> raw'),
    })
    .optional(),
  defaults: z.object({
    architecture: z.object({ mixer: z.enum(['attention', 'mlp', 'conv']).optional(), hiddenSize: z.number().int().positive().optional(), kernelSize: z.number().int().positive().optional(), dilation: z.number().int().positive().optional(), prefixToCells: z.boolean().optional() }),
    recursion: recursionSchema,
    // keepThreshold is a trained model's calibration, not the task's.
    search: searchSettingsSchema.omit({ keepThreshold: true }).strict().optional(),
  }),
  packagedModel: fn('packagedModel() -> { manifest, weights }').optional(),
}).superRefine((task, context) => {
  const { grid, sequenceLength } = task.codec;
  if (grid && grid.height * grid.width !== sequenceLength) context.addIssue({ code: 'custom', path: ['codec', 'grid'], message: `grid ${grid.height}x${grid.width} does not hold sequenceLength ${sequenceLength}` });
  if (task.codec.sides && !task.grid) context.addIssue({ code: 'custom', path: ['grid'], message: 'a task with several sides needs grid(input)' });
  if (task.defaults.architecture.mixer === 'conv' && !grid) context.addIssue({ code: 'custom', path: ['defaults', 'architecture', 'mixer'], message: 'the conv mixer needs codec.grid' });
  if (task.defaults.search && !task.domain) context.addIssue({ code: 'custom', path: ['defaults', 'search'], message: 'a search needs the task\'s candidate sets: declare domain, or leave defaults.search out' });
});

/** Checks a value is a task (a module's export, say); a bad one is an InvalidInputError naming `<field>.<path>`. */
export function parseTaskDefinition<Input = unknown, Answer = unknown>(value: unknown, field = 'task'): TaskV1<Input, Answer> {
  parseWithSchema(taskSchema, value, field);
  // The checked value itself, not zod's copy: methods keep their `this` and identity.
  return value as TaskV1<Input, Answer>;
}

/** Whether an answer is right by the task's correctness: its rules, or equality with the reference. */
export function isCorrectAnswer<Input, Answer>(task: TaskV1<Input, Answer>, input: Input, answer: Answer, expected?: string): boolean {
  if ((task.correctness ?? 'verify') === 'exact') return expected !== undefined && task.formatAnswer(answer) === expected;
  return task.verify(input, answer);
}

/** The accuracy metric a task's evaluations record. */
export function taskAccuracyMetric(task: TaskV1<any, any>): string {
  return task.accuracyMetric ?? ((task.correctness ?? 'verify') === 'exact' ? 'exact-accuracy' : 'verified-accuracy');
}

/**
 * Training's judge in token space: does `predicted` answer the example whose input tokens are
 * `tokens`? Undefined when the task judges by equality (or cannot rebuild an input from tokens),
 * and the trainer then compares with the labels.
 */
export function tokenCorrectness(task: TaskV1<any, any>): ((tokens: Int32Array, predicted: Int32Array) => boolean) | undefined {
  const fromTokens = task.codec.inputFromTokens;
  if ((task.correctness ?? 'verify') === 'exact' || !fromTokens) return undefined;
  return (tokens, predicted) => {
    try {
      const input = fromTokens.call(task.codec, tokens);
      return task.verify(input, task.codec.decode(predicted, input));
    } catch {
      return false;
    }
  };
}
