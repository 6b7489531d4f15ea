import { describe, expect, it } from 'vitest';
import { ManifestError } from '../errors/manifest-error';
import { testManifest } from '../testing/test-manifest';
import { parseModelManifest } from './model-manifest';

describe('parseModelManifest', () => {
  it('accepts a complete manifest', () => {
    expect(parseModelManifest(testManifest()).id).toBe('test:mock');
  });

  it('names the offending field', () => {
    const bad = { ...testManifest(), weights: [{ path: 'x.onnx', format: 'onnx', sha256: 'nothex', bytes: 3 }] };
    expect(() => parseModelManifest(bad)).toThrow(ManifestError);
    try {
      parseModelManifest(bad);
    } catch (error) {
      expect((error as ManifestError).field).toBe('weights.0.sha256');
    }
  });

  it('rejects a vocabulary that disagrees with the architecture', () => {
    const manifest = testManifest();
    const bad = { ...manifest, vocabulary: { size: 5, labels: ['a', 'b', 'c', 'd', 'e'] } };
    expect(() => parseModelManifest(bad)).toThrow(/vocabulary.size/);
  });

  it('requires the id to start with the task', () => {
    expect(() => parseModelManifest({ ...testManifest(), id: 'other:mock' })).toThrow(/must start with task/);
  });
});
