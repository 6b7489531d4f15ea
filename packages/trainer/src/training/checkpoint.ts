import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { architectureSchema, recursionSchema } from '@trm/core';

export const checkpointHeaderSchema = z.object({
  format: z.literal('trm-checkpoint-v1'),
  architecture: architectureSchema,
  recursion: recursionSchema,
  step: z.number().int().nonnegative(),
  examples: z.number().int().nonnegative(),
  wallSeconds: z.number().nonnegative(),
  seed: z.number().int(),
  config: z.record(z.string(), z.unknown()),
  /** Tensor groups stored in the .bin file in this order: name, group and element count. */
  tensors: z.array(z.object({ group: z.string(), name: z.string(), length: z.number().int().nonnegative() })),
});
export type CheckpointHeader = z.infer<typeof checkpointHeaderSchema>;

export type TensorGroups = Record<string, Map<string, Float32Array>>;

/** Writes header and tensors atomically (temp file then rename) so a kill never leaves half a checkpoint. */
export async function saveCheckpoint(directory: string, header: Omit<CheckpointHeader, 'format' | 'tensors'>, groups: TensorGroups) {
  await mkdir(directory, { recursive: true });
  const tensors: CheckpointHeader['tensors'] = [];
  const parts: Float32Array[] = [];
  for (const [group, values] of Object.entries(groups)) {
    for (const [name, data] of values) {
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
  const full: CheckpointHeader = { format: 'trm-checkpoint-v1', ...header, tensors };
  await writeFile(join(directory, 'checkpoint.bin.tmp'), new Uint8Array(buffer.buffer));
  await writeFile(join(directory, 'checkpoint.json.tmp'), JSON.stringify(full, null, 2));
  await rename(join(directory, 'checkpoint.bin.tmp'), join(directory, 'checkpoint.bin'));
  await rename(join(directory, 'checkpoint.json.tmp'), join(directory, 'checkpoint.json'));
}

export async function loadCheckpoint(directory: string): Promise<{ header: CheckpointHeader; groups: TensorGroups }> {
  const header = checkpointHeaderSchema.parse(JSON.parse(await readFile(join(directory, 'checkpoint.json'), 'utf8')));
  const bytes = await readFile(join(directory, 'checkpoint.bin'));
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const groups: TensorGroups = {};
  let offset = 0;
  for (const entry of header.tensors) {
    (groups[entry.group] ??= new Map()).set(entry.name, all.slice(offset, offset + entry.length));
    offset += entry.length;
  }
  if (offset !== all.length) throw new Error(`checkpoint.bin holds ${all.length} floats, header lists ${offset}`);
  return { header, groups };
}
