import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { InvalidInputError, ModelLoadError, checkedArchitectureSchema, recursionSchema } from '@trm/core';
import { trmParameterSpecs } from '../network/trm-parameters';
import { writeFilesAtomic } from '../util/write-file-atomic';
import { TrainingDivergedError } from './training-diverged-error';

const binarySchema = z.object({ bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

export const checkpointHeaderSchema = z.object({
  /** v2 always records `binary`; v1 (older runs) may lack it and still loads. */
  format: z.enum(['trm-checkpoint-v1', 'trm-checkpoint-v2']),
  architecture: checkedArchitectureSchema,
  recursion: recursionSchema,
  step: z.number().int().nonnegative(),
  examples: z.number().int().nonnegative(),
  wallSeconds: z.number().nonnegative(),
  seed: z.number().int(),
  config: z.record(z.string(), z.unknown()),
  /** Tensor groups stored in the .bin file in this order: name, group and element count. */
  tensors: z.array(z.object({ group: z.string(), name: z.string(), length: z.number().int().nonnegative() })),
  /** Size and sha256 of checkpoint.bin (required from v2 on: without it an edited file would load). */
  binary: binarySchema.optional(),
}).superRefine((header, context) => {
  if (header.format !== 'trm-checkpoint-v1' && !header.binary) context.addIssue({ code: 'custom', path: ['binary'], message: `required in ${header.format} (the size and sha256 of checkpoint.bin)` });
});
export type CheckpointHeader = z.infer<typeof checkpointHeaderSchema>;

export type TensorGroups = Record<string, Map<string, Float32Array>>;

/**
 * Writes tensors and header atomically (temporary files, then renames, the tensors first): a kill
 * or a full disk never leaves half a file, and the header records the tensors' sha256, so a save
 * killed between the two renames is refused at load rather than mixing two steps.
 * Non-finite values are refused before anything is written, keeping the last good checkpoint.
 */
export async function saveCheckpoint(directory: string, header: Omit<CheckpointHeader, 'format' | 'tensors' | 'binary'>, groups: TensorGroups) {
  const tensors: CheckpointHeader['tensors'] = [];
  const parts: Float32Array[] = [];
  for (const [group, values] of Object.entries(groups)) {
    for (const [name, data] of values) {
      const bad = firstNonFinite(data);
      if (bad >= 0) throw new TrainingDivergedError({ step: header.step, field: `${group}.${name}`, message: `${group} ${name} holds ${data[bad]} (index ${bad}); the checkpoint is not written, the last one is kept (lower the learning rate)` });
      tensors.push({ group, name, length: data.length });
      parts.push(data);
    }
  }
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const buffer = new Float32Array(total);
  let offset = 0;
  for (const part of parts) {
    buffer.set(part, offset);
    offset += part.length;
  }
  const bytes = new Uint8Array(buffer.buffer);
  const full: CheckpointHeader = { format: 'trm-checkpoint-v2', ...header, tensors, binary: { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') } };
  try {
    await mkdir(directory, { recursive: true });
    // Neither file is replaced until both are written: a full disk keeps the last checkpoint whole.
    await writeFilesAtomic([
      [join(directory, 'checkpoint.bin'), bytes],
      [join(directory, 'checkpoint.json'), JSON.stringify(full, null, 2)],
    ]);
  } catch (error) {
    throw new InvalidInputError({ field: 'outDirectory', message: `cannot write the checkpoint in ${directory}: ${(error as Error).message}`, value: directory, cause: error });
  }
}

/**
 * Reads a checkpoint, checked: a header that parses, tensors that fit its architecture, a binary
 * file of exactly the listed size (and sha256, when recorded) holding finite values only. Each
 * failure is a ModelLoadError naming the file and the field.
 */
export async function loadCheckpoint(directory: string): Promise<{ header: CheckpointHeader; groups: TensorGroups }> {
  const headerPath = join(directory, 'checkpoint.json');
  const binaryPath = join(directory, 'checkpoint.bin');
  const header = parseHeader(headerPath, await readOrFail(headerPath, 'utf8'));
  checkTensorList(headerPath, header);
  const bytes = await readOrFail(binaryPath);
  const listed = header.tensors.reduce((sum, entry) => sum + entry.length, 0);
  if (bytes.byteLength !== 4 * listed) {
    throw new ModelLoadError({ source: binaryPath, field: 'tensors', message: `holds ${bytes.byteLength} bytes, but checkpoint.json lists ${listed} floats (${4 * listed} bytes): a truncated or foreign file` });
  }
  if (header.binary && createHash('sha256').update(bytes).digest('hex') !== header.binary.sha256) {
    throw new ModelLoadError({ source: binaryPath, field: 'binary.sha256', message: 'does not match the sha256 checkpoint.json records (a save interrupted between its two files, or an edited file)' });
  }
  // A copy: readFile's buffer need not start on a 4-byte boundary.
  const all = new Float32Array(new Uint8Array(bytes).buffer);
  const groups: TensorGroups = {};
  let offset = 0;
  for (const entry of header.tensors) {
    const values = all.slice(offset, offset + entry.length);
    const bad = firstNonFinite(values);
    if (bad >= 0) throw new ModelLoadError({ source: binaryPath, field: `${entry.group}.${entry.name}`, message: `${entry.group} ${entry.name} holds ${values[bad]} at index ${bad}: the run diverged before this checkpoint` });
    (groups[entry.group] ??= new Map()).set(entry.name, values);
    offset += entry.length;
  }
  return { header, groups };
}

async function readOrFail(path: string): Promise<Buffer>;
async function readOrFail(path: string, encoding: 'utf8'): Promise<string>;
async function readOrFail(path: string, encoding?: 'utf8'): Promise<Buffer | string> {
  try {
    return encoding ? await readFile(path, encoding) : await readFile(path);
  } catch (error) {
    throw new ModelLoadError({ source: path, message: `cannot read the checkpoint: ${(error as Error).message}`, cause: error });
  }
}

function parseHeader(path: string, text: string): CheckpointHeader {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelLoadError({ source: path, message: `not valid JSON (${(error as Error).message})`, cause: error });
  }
  const parsed = checkpointHeaderSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || undefined;
    throw new ModelLoadError({ source: path, field, message: `not a checkpoint header: ${field ? `${field}: ` : ''}${issue.message}`, cause: parsed.error });
  }
  return parsed.data;
}

/** The weights a trainer of the header's architecture needs, each of its size: a header edited or from another architecture fails here, not in the trainer. */
function checkTensorList(path: string, header: CheckpointHeader) {
  const listed = new Map(header.tensors.map((entry) => [`${entry.group}/${entry.name}`, entry.length]));
  for (const spec of trmParameterSpecs(header.architecture)) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    for (const group of spec.trainable ? ['parameters', 'ema', 'firstMoment', 'secondMoment'] : ['parameters']) {
      const length = listed.get(`${group}/${spec.name}`);
      if (length !== size) {
        throw new ModelLoadError({ source: path, field: 'tensors', message: `${group} ${spec.name}: ${length === undefined ? 'missing' : `${length} values`}, but the checkpoint's architecture needs ${size}` });
      }
    }
  }
}

function firstNonFinite(values: Float32Array): number {
  for (let index = 0; index < values.length; index++) if (!Number.isFinite(values[index]!)) return index;
  return -1;
}
