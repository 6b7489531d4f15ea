import { type Architecture, InvalidInputError, type TaskTrainingDataV1, type TaskTrainingExampleV1, type TaskV1 } from '@trm/core';

export interface CheckTaskOptions {
  /** The network about to be trained: its sequenceLength (and grid, for grid tasks). */
  readonly architecture: Pick<Architecture, 'sequenceLength' | 'grid'>;
  /** A stream of the task's training data made for this check; a few examples are taken from it. */
  readonly data: TaskTrainingDataV1;
  /** How many examples to check (default 3). */
  readonly examples?: number;
}

/**
 * Checks a task against the network about to train on it, before the first step, so that a task
 * whose parts disagree fails here, naming the part, and not silently at solve time:
 * - every training example's tokens and labels are as long as the network's sequence (for grid
 *   tasks its grid's height x width), and so is `encode()` of the example's input;
 * - `encode(inputFromTokens(tokens))` gives back the tokens (decoding an encoding round-trips);
 * - the answer decoded from the example's labels is one `verify()` accepts for that input, and
 *   it reads back from its printed form (`parseAnswer(formatAnswer(answer))`).
 * The last two need `codec.inputFromTokens` (the only way from a training example back to an
 * input); tasks without it get the length checks only. Throws InvalidInputError.
 */
export function checkTask(task: TaskV1<any, any>, options: CheckTaskOptions): void {
  const count = options.examples ?? 3;
  for (let index = 0; index < count; index++) {
    const example = run(task, 'task.training.data', 'next() of the training data', () => options.data.next());
    checkExample(task, options.architecture, example, `training example ${index}`);
  }
}

function checkExample(task: TaskV1<any, any>, architecture: CheckTaskOptions['architecture'], example: TaskTrainingExampleV1, where: string) {
  const expected = architecture.sequenceLength;
  const network = architecture.grid ? `${expected} tokens (its ${architecture.grid.height}x${architecture.grid.width} grid)` : `${expected} tokens (codec.sequenceLength)`;
  const lengthField = architecture.grid ? (task.codec.sides ? 'task.training.data' : 'task.codec.grid') : 'task.codec.sequenceLength';
  const parts: [string, Int32Array][] = [['tokens', example.tokens], ['labels', example.labels], ...(example.stepLabels ?? []).map((labels, step): [string, Int32Array] => [`stepLabels[${step}]`, labels])];
  for (const [name, tokens] of parts) {
    if (tokens.length !== expected) fail(task, lengthField, `${where} has ${tokens.length} ${name}, but the network takes ${network}: they must agree`, tokens.length);
  }
  const fromTokens = task.codec.inputFromTokens;
  if (!fromTokens) return;
  const input = run(task, 'task.codec.inputFromTokens', `inputFromTokens() of ${where}'s tokens`, () => fromTokens.call(task.codec, example.tokens));
  const encoded = run(task, 'task.codec.encode', `encode() of ${where}'s input`, () => task.codec.encode(input));
  const grid = task.grid ? run(task, 'task.grid', `grid() of ${where}'s input`, () => task.grid!(input)) : undefined;
  if (grid && encoded.length !== grid.height * grid.width) {
    fail(task, 'task.codec.encode', `encode() of ${where}'s input gives ${encoded.length} tokens, but its grid (task.grid) is ${grid.height}x${grid.width} = ${grid.height * grid.width}`, encoded.length);
  }
  // The example's tokens had the right length: encode() is the part that disagrees.
  if (encoded.length !== expected) fail(task, 'task.codec.encode', `encode() of ${where}'s input gives ${encoded.length} tokens, but its tokens and the network have ${network}: they must agree`, encoded.length);
  const differs = firstDifference(encoded, example.tokens);
  if (differs >= 0) fail(task, 'task.codec.inputFromTokens', `encode(inputFromTokens(tokens)) of ${where} differs from its tokens at position ${differs} (${encoded[differs]}, expected ${example.tokens[differs]}): decode and encode must round-trip`, differs);
  const answer = run(task, 'task.codec.decode', `decode() of ${where}'s labels`, () => task.codec.decode(example.labels, input));
  const verified = run(task, 'task.verify', `verify() of ${where}'s answer`, () => task.verify(input, answer));
  if (verified !== true) fail(task, 'task.verify', `verify() refuses ${where}'s own answer (decode of its labels, ${printed(task, answer)}): verify, decode or the training labels are wrong`, verified);
  if (task.parseAnswer) {
    const text = run(task, 'task.formatAnswer', `formatAnswer() of ${where}'s answer`, () => task.formatAnswer(answer));
    const again = run(task, 'task.parseAnswer', `parseAnswer() of ${where}'s printed answer`, () => task.formatAnswer(task.parseAnswer!(text, input)));
    if (again !== text) fail(task, 'task.parseAnswer', `parseAnswer(formatAnswer(answer)) of ${where} prints ${JSON.stringify(again)}, not ${JSON.stringify(text)}: they must round-trip`, text);
  }
}

/** Calls the task's code; what it throws becomes an error naming the part that threw. */
function run<T>(task: TaskV1<any, any>, field: string, what: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw new InvalidInputError({ field, message: `task "${task.name}": ${what} threw: ${(error as Error)?.message ?? String(error)}`, cause: error });
  }
}

function fail(task: TaskV1<any, any>, field: string, message: string, value: unknown): never {
  throw new InvalidInputError({ field, message: `task "${task.name}": ${message}`, value });
}

function firstDifference(a: Int32Array, b: Int32Array): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) if (a[index] !== b[index]) return index;
  return -1;
}

function printed(task: TaskV1<any, any>, answer: unknown): string {
  try {
    return JSON.stringify(task.formatAnswer(answer));
  } catch {
    return 'unprintable';
  }
}
