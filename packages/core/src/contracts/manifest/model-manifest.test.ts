import { describe, expect, it } from 'vitest';
import { ManifestError } from '../errors/manifest-error';
import { testManifest } from '../../testing/test-manifest';
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

  it('per-puzzle embeddings: the names and the identifier count must agree (0 = unseen)', () => {
    const manifest = { ...testManifest({ puzzleIdentifiers: 3 }), puzzles: { names: ['a@0', 'a@1'] } };
    expect(parseModelManifest(manifest).puzzles?.names).toEqual(['a@0', 'a@1']);
    const wrong = { ...testManifest({ puzzleIdentifiers: 2 }), puzzles: { names: ['a@0', 'a@1'] } };
    expect(() => parseModelManifest(wrong)).toThrow(expect.objectContaining({ field: 'puzzles.names' }));
  });

  it("rope '2d' belongs to attention over a grid with a head size divisible by 4", () => {
    const grid = { height: 9, width: 9 };
    expect(parseModelManifest(testManifest({ mixer: 'attention', heads: 2, rope: '2d', grid })).architecture.rope).toBe('2d');
    const refused = (overrides: Record<string, unknown>) => {
      try {
        parseModelManifest(testManifest(overrides as never));
      } catch (error) {
        return String((error as Error).message);
      }
      return 'accepted';
    };
    expect(refused({ mixer: 'mlp', rope: '2d', grid })).toMatch(/rope.*attention mixer only/s);
    expect(refused({ mixer: 'attention', rope: '2d' })).toMatch(/rope.*grid/s);
    expect(refused({ mixer: 'attention', rope: '2d', grid, hiddenSize: 24, heads: 4 })).toMatch(/rope.*divisible by 4/s);
  });

  it('search settings that would do nothing are refused, naming them', () => {
    expect(parseModelManifest({ ...testManifest(), search: { steps: 500, stepsPerState: 1, dive: true } }).search).toEqual({ steps: 500, stepsPerState: 1, dive: true });
    expect(() => parseModelManifest({ ...testManifest(), search: { keepThreshold: 0.1 } })).toThrow(expect.objectContaining({ field: 'search.keepThreshold' }));
    const candidates = testManifest({ input: 'candidates' });
    expect(parseModelManifest({ ...candidates, search: { keepThreshold: 0.1, steps: 300 } }).search?.steps).toBe(300);
    expect(() => parseModelManifest({ ...candidates, search: { stepsPerState: 2 } })).toThrow(expect.objectContaining({ field: 'search.stepsPerState' }));
    expect(() => parseModelManifest({ ...testManifest(), search: { steps: 0 } })).toThrow(expect.objectContaining({ field: 'search.steps' }));
  });

  it('prefixToCells belongs to the conv mixer only', () => {
    expect(() => parseModelManifest(testManifest({ prefixToCells: true }))).toThrow(expect.objectContaining({ field: 'architecture.prefixToCells' }));
    expect(parseModelManifest(testManifest({ mixer: 'conv', grid: { height: 9, width: 9 }, prefixToCells: true })).architecture.prefixToCells).toBe(true);
  });
});
