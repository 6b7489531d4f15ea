// Property-based fuzzing (fast-check) of what users hand the SDK as files: model folders
// (manifests, ONNX graphs, symlinks), checkpoints, training flags and task modules. Every case
// ends in a typed error or a correct result: never an untyped error, a hang, a crash, an escaped
// folder or a half-written file.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrmError, createSpecialist, parseModelManifest, runRecursion } from '@trm/core';
import { createNodeRuntime } from '@trm/runtime-node';
import { sudokuTask } from '@trm/tasks-sudoku';
import { loadCheckpoint } from '@trm/trainer';
import { main } from '@trm/cli';
import { isValidCompletion, parseSquare } from '../examples/custom-task/latin-square.js';

const runs = Number(process.env.TRM_FUZZ_RUNS ?? 300);
const work = mkdtempSync(join(tmpdir(), 'trm-fuzz-files-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let cases = 0;
const freshFolder = (kind) => {
  const folder = join(work, `${kind}-${cases++}`);
  mkdirSync(folder, { recursive: true });
  return folder;
};
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const bin = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));
const { NODE_PATH: _, ...environment } = process.env;
const trm = (args) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000, env: environment });

/** Untyped errors fail the property; typed ones are an accepted outcome. */
async function typedOrValue(fn) {
  try {
    return { value: await fn() };
  } catch (error) {
    if (!TrmError.isInstance(error)) throw new Error(`untyped ${error?.name}: ${error?.message}`, { cause: error });
    return { error };
  }
}
const noStackTrace = (text) => expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
const filesUnder = (folder) => (existsSync(folder) ? readdirSync(folder, { recursive: true }).map(String) : []);

/** Sets `value` at a dotted path of a JSON copy of `object` (array indices as numbers). */
function withValueAt(object, path, value) {
  const copy = structuredClone(object);
  const keys = path.split('.');
  let node = copy;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key];
  }
  if (value === undefined) delete node[keys.at(-1)];
  else node[keys.at(-1)] = value;
  return copy;
}

const smallJson = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(undefined, -1, 0, 1, 8, 16, 1e9, 1e300, '', 'conv', 'attention', '../x'));

describe('fuzz: model folders (manifest, ONNX graph, symlinks)', () => {
  const fixture = fileURLToPath(new URL('../packages/runtime-node/fixtures/', import.meta.url));
  const manifest0 = JSON.parse(readFileSync(join(fixture, 'tiny.manifest.json'), 'utf8'));
  const onnx0 = readFileSync(join(fixture, 'tiny.onnx'));
  const outside = freshFolder('outside');
  writeFileSync(join(outside, 'tiny.onnx'), onnx0);
  const runtime = createNodeRuntime({ device: 'cpu', threads: 1 });

  const manifestEdit = fc.record({
    path: fc.constantFrom(
      'id', 'task', 'specificationVersion', 'architecture.hiddenSize', 'architecture.sequenceLength', 'architecture.vocabularySize', 'architecture.mixer',
      'architecture.puzzleEmbeddingLength', 'architecture.layers', 'recursion.cycles', 'recursion.maxSupervisionSteps', 'vocabulary.size', 'vocabulary.labels',
      'weights', 'weights.0.path', 'weights.0.bytes', 'weights.0.sha256', 'weights.0.format', 'training', 'metrics',
    ),
    value: fc.oneof(smallJson, fc.constantFrom('/etc/passwd', 'sub/../tiny.onnx', '..w.onnx', 'link.onnx', 'linked/tiny.onnx', 'tiny.onnx')),
  });
  const weightsEdit = fc.oneof(
    fc.record({ kind: fc.constant('truncate'), at: fc.nat({ max: onnx0.length - 1 }) }),
    fc.record({ kind: fc.constant('flip'), at: fc.nat({ max: onnx0.length - 1 }), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('rename'), name: fc.constantFrom('q_halt', 'logits', 'y_out', 'tokens', 'reset', 'puzzle_identifiers') }),
    fc.record({ kind: fc.constant('append'), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    fc.record({ kind: fc.constant('empty') }),
  );
  // Weighted so that a good share of cases reach the runtime (an intact manifest, re-signed weights).
  const folderCase = fc.record({
    manifestEdits: fc.oneof({ arbitrary: fc.constant([]), weight: 2 }, { arbitrary: fc.array(manifestEdit, { minLength: 1, maxLength: 2 }), weight: 1 }),
    weightsEdit: fc.option(weightsEdit, { freq: 3 }),
    // The manifest's size and sha256 made to match the edited file (the graph checks must then hold).
    resign: fc.constantFrom(true, true, false),
    links: fc.constantFrom('none', 'none', 'none', 'file-outside', 'folder-outside', 'file-inside'),
  });

  function edited(bytes, edit) {
    if (!edit) return bytes;
    const copy = Buffer.from(bytes);
    if (edit.kind === 'truncate') return copy.subarray(0, edit.at);
    if (edit.kind === 'flip') {
      copy[edit.at] = edit.byte;
      return copy;
    }
    if (edit.kind === 'rename') {
      const to = `${edit.name.slice(0, -1)}Z`;
      for (let at = copy.indexOf(edit.name); at >= 0; at = copy.indexOf(edit.name, at + 1)) copy.write(to, at, 'latin1');
      return copy;
    }
    if (edit.kind === 'append') return Buffer.concat([copy, edit.bytes]);
    return Buffer.alloc(0);
  }

  it('a typed error or a model that runs its step with finite outputs; weights behind a link that leaves the folder never load', async () => {
    const tally = { ran: 0, refused: {} };
    await fc.assert(
      fc.asyncProperty(folderCase, async ({ manifestEdits, weightsEdit, resign, links }) => {
        const folder = freshFolder('model');
        const bytes = edited(onnx0, weightsEdit);
        writeFileSync(join(folder, 'tiny.onnx'), bytes);
        let manifest = resign ? withValueAt(withValueAt(manifest0, 'weights.0.sha256', sha256(bytes)), 'weights.0.bytes', bytes.length) : manifest0;
        if (links === 'file-outside') {
          symlinkSync(join(outside, 'tiny.onnx'), join(folder, 'link.onnx'));
          manifest = withValueAt(manifest, 'weights.0.path', 'link.onnx');
        } else if (links === 'folder-outside') {
          symlinkSync(outside, join(folder, 'linked'));
          manifest = withValueAt(manifest, 'weights.0.path', 'linked/tiny.onnx');
        } else if (links === 'file-inside') {
          symlinkSync(join(folder, 'tiny.onnx'), join(folder, 'link.onnx'));
          manifest = withValueAt(manifest, 'weights.0.path', 'link.onnx');
        }
        for (const { path, value } of manifestEdits) manifest = withValueAt(manifest, path, value);
        writeFileSync(join(folder, 'manifest.json'), JSON.stringify(manifest));
        const outcome = await typedOrValue(async () => {
          const specialist = await createSpecialist(sudokuTask, join(folder, 'manifest.json'));
          const model = await runtime.load(specialist.model);
          try {
            const [sample] = await runRecursion(model, { tokens: new Int32Array(81).fill(1), batchSize: 1, halting: { mode: 'fixed', steps: 2 } });
            return { sample, path: specialist.model.manifest.weights[0].path };
          } finally {
            await model.dispose();
          }
        });
        if (outcome.error) tally.refused[outcome.error.name] = (tally.refused[outcome.error.name] ?? 0) + 1;
        if (outcome.value) {
          tally.ran++;
          expect(outcome.value.sample.tokens).toHaveLength(81);
          expect(Number.isFinite(outcome.value.sample.confidence)).toBe(true);
          // What loaded is what the manifest signed, from inside the folder.
          expect(['link.onnx', 'linked/tiny.onnx'].includes(outcome.value.path) && links.endsWith('outside')).toBe(false);
        }
      }),
      { numRuns: Math.min(runs, Number(process.env.TRM_FUZZ_FOLDER_RUNS ?? 120)) },
    );
    console.log(JSON.stringify({ fuzz: 'model-folders', ...tally }));
    // Both ends were reached: models that ran, and each kind of refusal.
    expect(tally.ran).toBeGreaterThan(0);
    expect(Object.keys(tally.refused)).toEqual(expect.arrayContaining(['ModelLoadError', 'ManifestError']));
  });
});

describe('fuzz: checkpoints', () => {
  let folder;
  let original;
  beforeAll(async () => {
    folder = freshFolder('trained');
    const run = trm(['train', 'sudoku', '--steps', '2', '--batch-size', '4', '--hidden', '16', '--eval-count', '4', '--checkpoint-every', '1', '--threads', '1', '--out', folder]);
    expect(run.status, run.stderr).toBe(0);
    original = await loadCheckpoint(folder);
  });

  const checkpointCase = fc.record({
    header: fc.option(
      fc.oneof(
        fc.record({ kind: fc.constant('field'), path: fc.constantFrom('step', 'format', 'tensors', 'tensors.0.length', 'tensors.0.name', 'tensors.0.group', 'binary', 'binary.sha256', 'binary.bytes', 'architecture', 'architecture.hiddenSize', 'optimizer'), value: smallJson }),
        fc.record({ kind: fc.constant('text'), keep: fc.nat() }),
      ),
    ),
    binary: fc.option(
      fc.oneof(
        fc.record({ kind: fc.constant('truncate'), at: fc.nat() }),
        fc.record({ kind: fc.constant('flip'), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
        fc.record({ kind: fc.constant('append'), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
        fc.record({ kind: fc.constant('nan'), at: fc.nat() }),
      ),
    ),
  });

  it('loadCheckpoint: a typed error, or exactly the tensors that were saved', async () => {
    const header0 = JSON.parse(readFileSync(join(folder, 'checkpoint.json'), 'utf8'));
    const binary0 = readFileSync(join(folder, 'checkpoint.bin'));
    await fc.assert(
      fc.asyncProperty(checkpointCase, async ({ header, binary }) => {
        const copy = freshFolder('checkpoint');
        let headerText = JSON.stringify(header0);
        if (header?.kind === 'field') headerText = JSON.stringify(withValueAt(header0, header.path, header.value));
        if (header?.kind === 'text') headerText = headerText.slice(0, header.keep % headerText.length);
        let bytes = Buffer.from(binary0);
        if (binary?.kind === 'truncate') bytes = bytes.subarray(0, binary.at % bytes.length);
        if (binary?.kind === 'flip') bytes[binary.at % bytes.length] = binary.byte;
        if (binary?.kind === 'append') bytes = Buffer.concat([bytes, binary.bytes]);
        if (binary?.kind === 'nan') bytes.writeFloatLE(Number.NaN, 4 * (binary.at % (bytes.length / 4)));
        writeFileSync(join(copy, 'checkpoint.json'), headerText);
        writeFileSync(join(copy, 'checkpoint.bin'), bytes);
        const outcome = await typedOrValue(() => loadCheckpoint(copy));
        if (outcome.value) {
          // Accepted only with the tensors that were saved (the header's own numbers, e.g. its
          // step, are the user's to edit; its sha256 guards the tensors).
          for (const [group, tensors] of Object.entries(original.groups)) {
            for (const [name, data] of tensors) expect(Buffer.from(outcome.value.groups[group].get(name).buffer).equals(Buffer.from(data.buffer))).toBe(true);
          }
        }
      }),
      { numRuns: runs },
    );
  });

  it('trm train --resume on a damaged checkpoint: exit 2 with a typed error, and the files left as they were', () => {
    const copy = freshFolder('resume');
    cpSync(folder, copy, { recursive: true });
    const binary = readFileSync(join(copy, 'checkpoint.bin'));
    writeFileSync(join(copy, 'checkpoint.bin'), binary.subarray(0, binary.length - 4));
    const before = filesUnder(copy).sort();
    const run = trm(['train', 'sudoku', '--steps', '4', '--batch-size', '4', '--hidden', '16', '--threads', '1', '--out', copy, '--resume']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^ModelLoadError: .*checkpoint\.bin/m);
    noStackTrace(run.stderr);
    expect(filesUnder(copy).sort()).toEqual(before);
    expect(readFileSync(join(copy, 'checkpoint.bin')).length).toBe(binary.length - 4);
  });
});

describe('fuzz: training flags', () => {
  // The run is kept tiny by the flags given last (they win); the rest is fuzzed.
  const flag = fc.constantFrom('--lr', '--weight-decay', '--warmup', '--seed', '--cycles', '--latent-steps', '--checkpoint-every', '--mixer', '--kernel', '--dilation', '--engine', '--eval-every', '--threads', '--device', '--max-minutes', '--from', '--backend', '--size', '--sizes', '--advance-at', '--advance-after', '--bogus');
  const value = fc.constantFrom('-1', '0', '1', '2', '1.5', '1e30', '1e9', 'NaN', 'x', '', '3', '0.5', 'mlp', 'conv', 'attention', 'tfjs', 'ort', 'gpu', 'cpu', 'default', '9,30', '/dev/null');
  const switches = fc.constantFrom('--depth-curriculum', '--inline-data', '--resume');
  const flags = fc.array(fc.oneof(fc.tuple(flag, value).map(([name, text]) => [name, text]), switches.map((name) => [name])), { maxLength: 4 });

  it('exit 0 with a model that parses, or exit 2 with a typed one-line error; never a hang, a stack trace or a half-written file', () => {
    fc.assert(
      fc.property(flags, (chosen) => {
        const out = join(freshFolder('train'), 'run');
        const args = ['train', 'sudoku', ...chosen.flat(), '--steps', '2', '--batch-size', '4', '--hidden', '16', '--eval-count', '4', '--out', out];
        const run = trm(args);
        expect(run.signal, `${args.join(' ')} did not finish`).toBeNull();
        expect([0, 2], `${args.join(' ')}\n${run.stderr}`).toContain(run.status);
        noStackTrace(run.stderr);
        expect(filesUnder(out).filter((name) => name.endsWith('.tmp'))).toEqual([]);
        if (run.status === 0) parseModelManifest(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')));
        else expect(run.stderr).toMatch(/^\w+Error: /m);
      }),
      { numRuns: Math.min(runs, Number(process.env.TRM_FUZZ_TRAIN_RUNS ?? 12)) },
    );
  });
});

describe('fuzz: task modules', () => {
  const latinFile = fileURLToPath(new URL('../examples/custom-task/latin-square.js', import.meta.url));
  const puzzle = '12345.23456.34561.45612.56123.61234.';
  const replacement = fc.constantFrom(
    '() => { throw new Error("boom") }', '() => NaN', '() => 5', '() => -1', '() => "x"', '() => undefined', '() => null', '() => new Int32Array(3)',
    '() => new Int32Array(36).fill(99)', '() => ({})', '() => []', '(x) => x', '() => true', '() => Symbol("s")', '() => () => 1', '"not a function"', '42', 'null',
  );
  const field = fc.constantFrom('detect', 'parseInput', 'verify', 'formatAnswer', 'formatInput', 'codec.encode', 'codec.decode', 'name', 'inputSchema', 'codec.sequenceLength', 'codec.vocabulary', 'specificationVersion');
  const variant = fc.array(fc.tuple(field, replacement), { minLength: 1, maxLength: 2 });

  function moduleText(edits) {
    const top = edits.filter(([path]) => !path.startsWith('codec.')).map(([path, code]) => `${path}: ${code}`);
    const codec = edits.filter(([path]) => path.startsWith('codec.')).map(([path, code]) => `${path.slice(6)}: ${code}`);
    if (codec.length > 0) top.push(`codec: { ...latin.codec, ${codec.join(', ')} }`);
    return `import { task as latin } from ${JSON.stringify(latinFile)};\nexport const task = { ...latin, ${top.join(', ')} };\n`;
  }

  it('trm solve with a broken task: exit 0 with honest verified flags, or exit 2 with typed errors; never an untyped crash or a hang', async () => {
    const tally = {};
    await fc.assert(
      fc.asyncProperty(variant, async (edits) => {
        const file = join(freshFolder('task'), 'task.mjs');
        writeFileSync(file, moduleText(edits));
        const stdout = [];
        const stderr = [];
        const code = await main(['solve', file, puzzle, '--json', '--threads', '1', '--model', fileURLToPath(new URL('../examples/custom-task/model/manifest.json', import.meta.url)), '--task-budget-ms', '2000'], {
          stdout: (line) => stdout.push(line),
          stderr: (line) => stderr.push(line),
        });
        expect([0, 2], `${moduleText(edits)}\n${stderr.join('\n')}`).toContain(code);
        const kind = code === 0 ? 'answered' : (/^(\w+Error)/.exec(stderr[0] ?? JSON.parse(stdout[0] ?? '{}').error?.name ?? '')?.[1] ?? 'other');
        tally[kind] = (tally[kind] ?? 0) + 1;
        noStackTrace(stderr.join('\n'));
        for (const line of stdout) {
          const result = JSON.parse(line);
          // The printed answer is the task's formatAnswer: judged when that is the original one.
          if (result.verified === true && !edits.some(([path]) => path === 'formatAnswer')) expect(isValidCompletion(parseSquare(puzzle).givens, parseSquare(result.answer, 'answer').givens)).toBe(true);
        }
      }),
      { numRuns: Math.min(runs, Number(process.env.TRM_FUZZ_TASK_RUNS ?? 60)) },
    );
    console.log(JSON.stringify({ fuzz: 'task-modules', ...tally }));
    expect(Object.keys(tally).length).toBeGreaterThan(1);
  });
});
