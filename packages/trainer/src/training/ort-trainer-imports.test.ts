import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const source = dirname(fileURLToPath(import.meta.url));

/** Every module a file loads through static imports (relative ones followed), with the packages they name. */
function staticImports(root: string): { files: string[]; packages: Map<string, string> } {
  const files: string[] = [];
  const packages = new Map<string, string>();
  const pending = [root];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    const text = readFileSync(file, 'utf8');
    // `import ... from 'x'` and `export ... from 'x'`, but not `import type` (erased) nor `import('x')` (on demand).
    for (const match of text.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?from\s+'([^']+)'/gms)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), `${specifier}.ts`));
      else packages.set(specifier, file);
    }
  }
  return { files, packages };
}

describe('the onnxruntime engine loads no tfjs', () => {
  it.each(['ort-trainer.ts', 'run-training.ts', '../adapt/adapt-model.ts', '../export/export-model.ts'])('%s imports nothing that loads @tensorflow/tfjs', (file) => {
    const { files, packages } = staticImports(resolve(source, file));
    const tfjs = [...packages].filter(([name]) => name.startsWith('@tensorflow/'));
    expect(tfjs.map(([name, by]) => `${name} (from ${by})`)).toEqual([]);
    expect(files.some((path) => path.endsWith('train-trm.ts'))).toBe(false);
  });

  it('the walk sees tfjs where it is loaded (the check can fail)', () => {
    expect([...staticImports(resolve(source, 'train-trm.ts')).packages.keys()]).toContain('@tensorflow/tfjs');
    const ort = staticImports(resolve(source, 'ort-trainer.ts'));
    expect(ort.files.map((path) => path.slice(source.length - 'training'.length))).toEqual(expect.arrayContaining(['training/streaming-carry.ts', 'autodiff/training-graph.ts', 'network/trm-network.ts']));
    expect([...ort.packages.keys()]).toContain('onnxruntime-node');
  });
});
