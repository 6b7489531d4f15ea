// A task the SDK does not ship, built only from its public exports: complete a 6x6 Latin square
// (every row and every column holds 1-6 once). With few givens a puzzle has several valid
// completions, so right means "the rules accept it", not "equals the generator's square": the
// case the task contract's `correctness: 'verify'` and the trainer's judge exist for.
//
// Use it with every tool, no SDK edit:
//   pnpm trm train --task ./examples/custom-task/latin-square.js --steps 600 --out runs/latin
//   pnpm trm solve --task ./examples/custom-task/latin-square.js "12.4.6......" --json
import { readFileSync } from 'node:fs';
import { InvalidInputError, ManifestError, createRandom, parseModelManifest } from '@trm/core';
import { z } from 'zod';

export const SIDE = 6;
const CELLS = SIDE * SIDE;
const BLANK = 1; // token ids: 0 pad, 1 blank, 2..7 digits 1..6
export const vocabulary = ['<pad>', '.', '1', '2', '3', '4', '5', '6'];

/** "MIN-MAX" blanks per puzzle. */
function parseBlanks(value) {
  if (value === undefined) return [8, 20];
  const match = /^(\d+)-(\d+)$/.exec(String(value));
  const low = Number(match?.[1]);
  const high = Number(match?.[2]);
  if (!match || low < 1 || low > high || high > CELLS) throw new InvalidInputError({ field: 'blanks', message: `expected MIN-MAX with 1 <= MIN <= MAX <= ${CELLS}`, value });
  return [low, high];
}

/** A random Latin square: cells filled row by row in random digit order, backtracking on a dead end. */
export function randomLatinSquare(random) {
  const grid = new Uint8Array(CELLS);
  const fits = (cell, digit) => {
    const row = Math.floor(cell / SIDE);
    const column = cell % SIDE;
    for (let other = 0; other < SIDE; other++) {
      if (grid[row * SIDE + other] === digit || grid[other * SIDE + column] === digit) return false;
    }
    return true;
  };
  const fill = (cell) => {
    if (cell === CELLS) return true;
    for (const digit of random.shuffle([1, 2, 3, 4, 5, 6])) {
      if (!fits(cell, digit)) continue;
      grid[cell] = digit;
      if (fill(cell + 1)) return true;
      grid[cell] = 0;
    }
    return false;
  };
  fill(0);
  return grid;
}

/** A puzzle: a random square with `blanks` cells removed; the square is one of its solutions. */
export function randomPuzzle(random, [low, high]) {
  const solution = randomLatinSquare(random);
  const blanks = low + random.int(high - low + 1);
  const givens = solution.slice();
  for (const cell of random.shuffle(Array.from({ length: CELLS }, (_, index) => index)).slice(0, blanks)) givens[cell] = 0;
  return { givens, solution, blanks };
}

/** The first clash among the givens (a digit twice in a row or column), or undefined. */
function clash(givens) {
  for (let cell = 0; cell < CELLS; cell++) {
    const digit = givens[cell];
    if (!digit) continue;
    const row = Math.floor(cell / SIDE);
    const column = cell % SIDE;
    for (let other = cell + 1; other < CELLS; other++) {
      if (givens[other] !== digit) continue;
      if (Math.floor(other / SIDE) === row) return `row ${row + 1} holds ${digit} twice`;
      if (other % SIDE === column) return `column ${column + 1} holds ${digit} twice`;
    }
  }
  return undefined;
}

/** True when `answer` is a Latin square that keeps every given. */
export function isValidCompletion(givens, answer) {
  if (answer.length !== CELLS) return false;
  for (let cell = 0; cell < CELLS; cell++) {
    if (answer[cell] < 1 || answer[cell] > SIDE) return false;
    if (givens[cell] !== 0 && givens[cell] !== answer[cell]) return false;
  }
  for (let line = 0; line < SIDE; line++) {
    const inRow = new Set();
    const inColumn = new Set();
    for (let other = 0; other < SIDE; other++) {
      inRow.add(answer[line * SIDE + other]);
      inColumn.add(answer[other * SIDE + line]);
    }
    if (inRow.size !== SIDE || inColumn.size !== SIDE) return false;
  }
  return true;
}

function parseText(text, field) {
  const cells = text.replace(/[\s|+-]/g, '');
  if (cells.length !== CELLS) throw new InvalidInputError({ field, message: `expected ${CELLS} cells (digits 1-6, "." or "0" for blanks), got ${cells.length}`, value: text });
  const bad = cells.search(/[^0-6.]/);
  if (bad >= 0) throw new InvalidInputError({ field: `${field}[${bad}]`, message: 'expected a digit 1-6, "." or "0"', value: cells[bad] });
  return Uint8Array.from(cells, (char) => (char === '.' ? 0 : Number(char)));
}

const squareText = z.string().describe(`${CELLS} cells row by row: digits 1-6, "." or "0" for blanks (spaces and newlines ignored)`);
const squareRows = z.array(z.array(z.number().int().min(0).max(SIDE)).length(SIDE)).length(SIDE).describe('6 rows of 6 integers, 0 for blank');
export const inputSchema = z.union([squareText, squareRows, z.object({ square: z.union([squareText, squareRows]) })]);

export function parseSquare(input, field = 'square') {
  let givens;
  if (typeof input === 'string') givens = parseText(input, field);
  else if (Array.isArray(input)) {
    if (input.length !== SIDE) throw new InvalidInputError({ field, message: `expected ${SIDE} rows, got ${input.length}`, value: input });
    givens = new Uint8Array(CELLS);
    input.forEach((row, rowIndex) => {
      if (!Array.isArray(row) || row.length !== SIDE) throw new InvalidInputError({ field: `${field}[${rowIndex}]`, message: `expected a row of ${SIDE} numbers`, value: row });
      row.forEach((value, column) => {
        if (!Number.isInteger(value) || value < 0 || value > SIDE) throw new InvalidInputError({ field: `${field}[${rowIndex}][${column}]`, message: 'expected an integer 0-6 (0 for blank)', value });
        givens[rowIndex * SIDE + column] = value;
      });
    });
  } else if (typeof input === 'object' && input !== null && 'square' in input) return parseSquare(input.square, field);
  else throw new InvalidInputError({ field, message: `expected ${CELLS} characters or ${SIDE} rows of ${SIDE} numbers`, value: input });
  const problem = clash(givens);
  if (problem) throw new InvalidInputError({ field, message: `the givens clash: ${problem}`, value: format(givens, '.') });
  return { givens };
}

const format = (grid, blank) => Array.from(grid, (digit) => (digit === 0 ? blank : String(digit))).join('');
const pretty = (grid) => Array.from({ length: SIDE }, (_, row) => Array.from(grid.subarray(row * SIDE, (row + 1) * SIDE), (digit) => (digit === 0 ? '.' : String(digit))).join(' ')).join('\n');
const encode = (grid) => Int32Array.from(grid, (digit) => (digit === 0 ? BLANK : digit + 1));
const decode = (tokens) => Uint8Array.from(tokens, (token) => (token >= 2 && token <= 7 ? token - 1 : 0));

/** Row, column and digit permutations and an optional transpose: each keeps a Latin square Latin. */
function randomSymmetry(random) {
  return { rows: random.shuffle([0, 1, 2, 3, 4, 5]), columns: random.shuffle([0, 1, 2, 3, 4, 5]), digits: [0, ...random.shuffle([1, 2, 3, 4, 5, 6])], transpose: random.next() < 0.5 };
}
function applySymmetry(symmetry, grid) {
  const out = new Uint8Array(CELLS);
  for (let row = 0; row < SIDE; row++) {
    for (let column = 0; column < SIDE; column++) {
      const [r, c] = symmetry.transpose ? [column, row] : [row, column];
      out[symmetry.rows[r] * SIDE + symmetry.columns[c]] = symmetry.digits[grid[row * SIDE + column]];
    }
  }
  return out;
}
function invertSymmetry(symmetry, grid) {
  const out = new Uint8Array(CELLS);
  const digitBack = [];
  symmetry.digits.forEach((digit, index) => (digitBack[digit] = index));
  for (let row = 0; row < SIDE; row++) {
    for (let column = 0; column < SIDE; column++) {
      const [r, c] = symmetry.transpose ? [column, row] : [row, column];
      out[row * SIDE + column] = digitBack[grid[symmetry.rows[r] * SIDE + symmetry.columns[c]]];
    }
  }
  return out;
}

const levelOf = (blanks) => (blanks <= 12 ? 'easy' : blanks <= 18 ? 'medium' : 'hard');

/** The model trained by this example's README commands, when it is there. */
function packagedModel() {
  const manifestUrl = new URL('./model/manifest.json', import.meta.url);
  let manifest;
  try {
    manifest = parseModelManifest(JSON.parse(readFileSync(manifestUrl, 'utf8')));
  } catch (error) {
    throw new ManifestError({ message: `no trained latin-square model at ${manifestUrl.pathname}: train and export one (see the README)`, field: 'model', cause: error });
  }
  return { manifest, weights: new URL(`./model/${manifest.weights[0].path}`, import.meta.url) };
}

// Candidate sets (the task's domain): per cell, the digits still possible, as a [36 x 8] mask over
// the vocabulary. Rows and columns are the relations; narrowing is the rules' sound part.
const V = vocabulary.length;
const lines = Array.from({ length: 2 * SIDE }, (_, index) =>
  Array.from({ length: SIDE }, (_, k) => (index < SIDE ? index * SIDE + k : k * SIDE + (index - SIDE))),
);

/** Eliminates decided digits from their row and column, and places a digit with one place left in a line; false on a contradiction. */
function narrowMask(mask) {
  for (let changed = true; changed; ) {
    changed = false;
    for (const line of lines) {
      for (let digit = 1; digit <= SIDE; digit++) {
        const token = digit + 1;
        const places = line.filter((cell) => mask[cell * V + token]);
        if (places.length === 0) return false;
        const decided = places.filter((cell) => mask.subarray(cell * V, (cell + 1) * V).reduce((sum, bit) => sum + bit, 0) === 1);
        if (decided.length > 1) return false;
        if (decided.length === 1) {
          for (const cell of places) if (cell !== decided[0] && mask[cell * V + token]) ((mask[cell * V + token] = 0), (changed = true));
        } else if (places.length === 1) {
          for (let other = 2; other < V; other++) if (other !== token && mask[places[0] * V + other]) ((mask[places[0] * V + other] = 0), (changed = true));
        }
      }
    }
    for (let cell = 0; cell < CELLS; cell++) if (!mask.subarray(cell * V, (cell + 1) * V).some(Boolean)) return false;
  }
  return true;
}

/** Up to `limit` completions compatible with the mask (the cell with fewest candidates first). */
function completions(mask, limit, found = []) {
  if (found.length >= limit || !narrowMask(mask)) return found;
  let best = -1;
  let fewest = Infinity;
  for (let cell = 0; cell < CELLS; cell++) {
    const count = mask.subarray(cell * V, (cell + 1) * V).reduce((sum, bit) => sum + bit, 0);
    if (count > 1 && count < fewest) ((best = cell), (fewest = count));
  }
  if (best < 0) return (found.push(mask), found);
  for (let token = 2; token < V && found.length < limit; token++) {
    if (!mask[best * V + token]) continue;
    const child = mask.slice();
    child.fill(0, best * V, (best + 1) * V);
    child[best * V + token] = 1;
    completions(child, limit, found);
  }
  return found;
}

/** @type {import('@trm/core').TaskDomainV1<{ givens: Uint8Array }>} */
export const domain = {
  candidates(input) {
    const mask = new Uint8Array(CELLS * V);
    for (let cell = 0; cell < CELLS; cell++) for (let digit = 1; digit <= SIDE; digit++) if (input.givens[cell] === 0 || input.givens[cell] === digit) mask[cell * V + digit + 1] = 1;
    return mask;
  },
  narrow: (_input, mask) => narrowMask(mask),
  tokens(_input, mask) {
    return Int32Array.from({ length: CELLS }, (_, cell) => {
      const tokens = [];
      for (let token = 2; token < V; token++) if (mask[cell * V + token]) tokens.push(token);
      return tokens.length === 1 ? tokens[0] : BLANK;
    });
  },
  // Several completions are fine: the target is their union (up to 16 looked at).
  target(_input, mask) {
    const found = completions(mask.slice(), 16);
    if (found.length === 0) return null;
    const union = new Uint8Array(mask.length);
    for (const completion of found) for (let index = 0; index < union.length; index++) union[index] |= completion[index];
    return union;
  },
  relations: lines,
};

/** @type {import('@trm/core').TaskV1<{ givens: Uint8Array }, Uint8Array>} */
export const task = {
  specificationVersion: 'v1',
  name: 'latin-square',
  description: '6x6 Latin squares: fill the blanks so every row and column holds 1-6 once (often several ways)',
  codec: {
    vocabulary,
    sequenceLength: CELLS,
    grid: { height: SIDE, width: SIDE },
    encode: (input) => encode(input.givens),
    decode: (tokens) => decode(tokens),
    inputFromTokens: (tokens) => ({ givens: decode(tokens) }),
  },
  inputSchema,
  parseInput: (input) => parseSquare(input),
  detect(input) {
    const candidate = typeof input === 'object' && input !== null && !Array.isArray(input) && 'square' in input ? input.square : input;
    if (typeof candidate === 'string') return new RegExp(`^[0-6.]{${CELLS}}$`).test(candidate.replace(/[\s|+-]/g, '')) ? 1 : 0;
    return Array.isArray(candidate) && candidate.length === SIDE && candidate.every((row) => Array.isArray(row) && row.length === SIDE && row.every((cell) => typeof cell === 'number')) ? 1 : 0;
  },
  verify: (input, answer) => isValidCompletion(input.givens, answer),
  domain,
  correctness: 'verify',
  accuracyMetric: 'valid-completion',
  formatAnswer: (answer) => format(answer, '0'),
  formatInput: (input) => format(input.givens, '.'),
  parseAnswer: (text) => parseText(text, 'answer'),
  prettyAnswer: (answer) => pretty(answer),
  prettyInput: (input) => pretty(input.givens),
  verifiedMeans: 'every row and column holds 1-6 once and every given is kept',
  unverifiedMeans: 'a row or column repeats a digit, or a given was changed',
  augment(input, random) {
    const symmetry = randomSymmetry(random);
    return { input: { givens: applySymmetry(symmetry, input.givens) }, restore: (answer) => invertSymmetry(symmetry, answer) };
  },
  // Three blank counts a bucket, so evaluation shows where accuracy falls (training used 8-20).
  ratingBucket: (blanks) => `${blanks - ((blanks - 2) % 3)}-${blanks - ((blanks - 2) % 3) + 2} blanks`,
  training: {
    options: { blanks: { type: 'string', description: 'MIN-MAX blank cells per puzzle (default 8-20)' } },
    data(options) {
      const random = createRandom(options.seed ^ 0x1a7);
      const range = parseBlanks(options.blanks);
      return {
        description: `generated 6x6 Latin squares (seed ${options.seed}), ${range[0]}-${range[1]} blanks, target: the generated square (any valid completion accepted)`,
        next() {
          const { givens, solution } = randomPuzzle(random, range);
          return { tokens: encode(givens), labels: encode(solution) };
        },
      };
    },
    heldOut({ count, seed, blanks }) {
      const random = createRandom((seed * 31) ^ 0xe7a1);
      const range = parseBlanks(blanks);
      return Array.from({ length: count }, () => format(randomPuzzle(random, range).givens, '.'));
    },
  },
  dataset: {
    options: { blanks: { type: 'string', description: 'MIN-MAX blank cells per puzzle (default 8-20)' } },
    *generate({ count, seed, split, blanks }) {
      // Test and train rows come from different seed streams (training data uses its own too).
      const random = createRandom(split === 'test' ? seed * 2 + 1 : seed * 2);
      const range = parseBlanks(blanks);
      for (let index = 0; index < count; index++) {
        const { givens, solution, blanks: removed } = randomPuzzle(random, range);
        yield { question: format(givens, '.'), answer: format(solution, '0'), level: levelOf(removed), rating: removed };
      }
    },
  },
  defaults: {
    architecture: { mixer: 'mlp', hiddenSize: 64 },
    recursion: { latentSteps: 2, cycles: 2, maxSupervisionSteps: 16 },
  },
  packagedModel,
};

export default task;
