import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseModelManifest } from '../contracts/manifest/model-manifest';
import type { TaskV1 } from '../contracts/task';
import { testManifest } from '../testing/test-manifest';
import { createSpecialist } from './create-specialist';

const task: TaskV1<number[], number[]> = {
  specificationVersion: 'v1',
  name: 'toy',
  description: 'toy task',
  codec: { vocabulary: ['pad', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11'], sequenceLength: 81, encode: (input) => Int32Array.from(input), decode: (tokens) => Array.from(tokens) },
  inputSchema: z.array(z.number()),
  parseInput: (input) => input as number[],
  detect: () => 0,
  verify: () => true,
  formatAnswer: (answer) => answer.join(''),
  formatInput: (input) => input.join(''),
  defaults: { architecture: {}, recursion: { latentSteps: 1, cycles: 1, maxSupervisionSteps: 4 } },
};

/** A model folder as `trm train` writes it: manifest.json beside its weights. */
function modelFolder(weightsPath = 'model.onnx') {
  const folder = mkdtempSync(join(tmpdir(), 'trm-model-'));
  const manifest = { ...testManifest({ vocabularySize: 12 }), id: 'toy:test', task: 'toy', weights: [{ ...testManifest().weights[0]!, path: weightsPath, bytes: 4 }] };
  writeFileSync(join(folder, 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(folder, 'model.onnx'), 'abcd');
  return folder;
}

describe('createSpecialist with a manifest path or URL', () => {
  it('reads the manifest (parsed once: a runtime gets it back as it is) and resolves the weights beside it', async () => {
    const folder = modelFolder();
    for (const location of [join(folder, 'manifest.json'), pathToFileURL(join(folder, 'manifest.json'))]) {
      const specialist = await createSpecialist(task, location);
      expect(specialist.modelId).toBe('toy:test');
      expect(specialist.model.weights).toBe(join(folder, 'model.onnx'));
      expect(parseModelManifest(specialist.model.manifest)).toBe(specialist.model.manifest);
      expect(Object.isFrozen(specialist.model.manifest.architecture)).toBe(true);
    }
  });

  it('keeps the weights inside the manifest folder, links resolved', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'trm-outside-'));
    writeFileSync(join(outside, 'secret.bin'), 'abcd');
    const escaping = modelFolder('../elsewhere.onnx');
    await expect(createSpecialist(task, join(escaping, 'manifest.json'))).rejects.toMatchObject({ name: 'ModelLoadError', field: 'weights[0].path' });
    const linked = modelFolder('link.onnx');
    symlinkSync(join(outside, 'secret.bin'), join(linked, 'link.onnx'));
    await expect(createSpecialist(task, join(linked, 'manifest.json'))).rejects.toMatchObject({ name: 'ModelLoadError', field: 'weights[0].path' });
    const linkedFolder = modelFolder('sub/model.onnx');
    symlinkSync(outside, join(linkedFolder, 'sub'));
    await expect(createSpecialist(task, join(linkedFolder, 'manifest.json'))).rejects.toMatchObject({ field: 'weights[0].path' });
    // The parent folder itself is outside too.
    await expect(createSpecialist(task, join(modelFolder('..'), 'manifest.json'))).rejects.toMatchObject({ field: 'weights[0].path' });
  });

  it('accepts a file whose name starts with two dots: only a whole ".." segment leaves the folder', async () => {
    for (const name of ['..w.onnx', 'sub/..w.onnx', '...onnx']) {
      const folder = modelFolder(name);
      mkdirSync(join(folder, 'sub'), { recursive: true });
      writeFileSync(join(folder, name), 'abcd');
      const specialist = await createSpecialist(task, join(folder, 'manifest.json'));
      expect(specialist.model.weights).toBe(join(folder, name));
    }
  });

  it('names what is wrong: a missing file, a folder, a bad manifest, a wrong model argument', async () => {
    const folder = modelFolder();
    await expect(createSpecialist(task, join(folder, 'nope.json'))).rejects.toMatchObject({ name: 'ModelLoadError', field: 'model', message: expect.stringContaining('cannot read manifest') });
    mkdirSync(join(folder, 'dir.json'));
    await expect(createSpecialist(task, join(folder, 'dir.json'))).rejects.toMatchObject({ message: expect.stringContaining('not a regular file') });
    writeFileSync(join(folder, 'bad.json'), '{"id": 3}');
    await expect(createSpecialist(task, join(folder, 'bad.json'))).rejects.toMatchObject({ name: 'ManifestError' });
    await expect(createSpecialist(task, 'ftp://example.com/manifest.json')).rejects.toMatchObject({ name: 'ModelLoadError', message: expect.stringContaining('ftp:') });
    expect(() => createSpecialist(task, { manifest: {} } as never)).toThrow(expect.objectContaining({ name: 'InvalidInputError', field: 'model' }));
    expect(() => createSpecialist(task)).toThrow(/ships no model: pass a model: createSpecialist\(task, '\.\/my-model\/manifest\.json'\)/);
  });
});
