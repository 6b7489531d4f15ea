import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, ManifestError, createRandom, parseModelManifest } from '@trm/core';
import { testManifest } from '@trm/core/test';
import { formatMaze } from './maze-codec';
import { createMazeGenerator } from './maze-generator';
import { solveMaze } from './maze-search';
import { createMaze, maze } from './maze-specialist';
import { mazeInputSchema, parseMazeInput } from './maze-input';

describe('maze specialist', () => {
  const generated = createMazeGenerator({ seed: 21, band: 'medium' }).next();
  const text = formatMaze(generated.maze);

  it('ships a maze model whose weights match the manifest digest', async () => {
    expect(maze.task).toBe('maze');
    expect(maze.modelId).toMatch(/^maze:trm-conv-/);
    const weights = maze.model.weights as URL;
    const bytes = await readFile(fileURLToPath(weights));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(parseModelManifest(maze.model.manifest).weights[0]!.sha256);
    expect(bytes.length).toBeLessThan(10 * 1024 * 1024);
  });

  it('accepts 900 characters, 30 lines, a 30x30 grid and { maze }, all alike', () => {
    const lines = text.match(/.{30}/g)!;
    for (const input of [text, lines.join('\n'), lines, lines.map((line) => line.split('')), { maze: text }]) {
      expect(formatMaze(parseMazeInput(input).maze)).toBe(text);
      expect(maze.detect(input)).toBe(1);
    }
    expect(maze.detect('5'.repeat(81))).toBe(0);
  });

  it('verifies the generator’s answer and maps answers of augmented copies back', () => {
    const parsed = maze.parseInput(text);
    expect(maze.verify(parsed, generated.answer)).toBe(true);
    expect(maze.verify(parsed, parsed.maze)).toBe(false);
    const random = createRandom(4);
    for (let trial = 0; trial < 8; trial++) {
      const { input, restore } = maze.augment!(parsed, random);
      const solved = solveMaze(input.maze)!;
      expect(maze.verify(input, solved)).toBe(true);
      const restored = restore(maze.decode(maze.encode({ maze: solved }), input));
      expect(maze.verify(parsed, restored)).toBe(true);
    }
  });

  it('refuses bad input with a typed error naming the field', () => {
    const cases: unknown[] = [text.slice(1), text.replace(' ', 'x'), text.replace('S', ' '), [['#']], 42, null];
    for (const input of cases) {
      let caught: unknown;
      try {
        maze.parseInput(input);
      } catch (error) {
        caught = error;
      }
      expect(caught, JSON.stringify(input)?.slice(0, 40)).toBeInstanceOf(InvalidInputError);
      expect((caught as InvalidInputError).field).toBe('maze');
    }
  });

  it('takes square mazes of any side from 8 to 64 with the conv model, and says which grid each needs', () => {
    for (const side of [8, 12, 48, 64]) {
      const generated = createMazeGenerator({ seed: side, side, band: 'short', split: 'test' }).next();
      const flat = formatMaze(generated.maze);
      const rows = flat.match(new RegExp(`.{${side}}`, 'g'))!;
      for (const input of [flat, rows.join('\n'), rows, { maze: rows }]) {
        expect(maze.detect(input)).toBe(1);
        const parsed = maze.parseInput(input);
        expect(formatMaze(parsed.maze)).toBe(flat);
        expect(maze.grid!(parsed)).toEqual({ height: side, width: side });
      }
      expect(maze.verify(maze.parseInput(flat), generated.answer)).toBe(true);
    }
    expect(maze.detect(' '.repeat(7 * 7 - 2) + 'SG')).toBe(0);
    expect(() => maze.parseInput(' '.repeat(65 * 65 - 2) + 'SG')).toThrow(InvalidInputError);
  });

  it('a model that runs only its own size refuses other sizes at parsing, naming the field', () => {
    const manifest = testManifest({ sequenceLength: 900, vocabularySize: 6 });
    const attention = createMaze({ model: { manifest: { ...manifest, id: 'maze:test', task: 'maze', architecture: { ...manifest.architecture, mixer: 'attention' } }, weights: new Uint8Array() } });
    const small = formatMaze(createMazeGenerator({ seed: 1, side: 12, band: 'short' }).next().maze);
    expect(attention.detect(small)).toBe(0);
    expect(attention.detect(text)).toBe(1);
    expect(() => attention.parseInput(small)).toThrow(/expected 900 cells \(30x30\)/);
  });

  it('refuses a model made for another task', () => {
    const manifest = { ...testManifest({ sequenceLength: 900, vocabularySize: 6 }), task: 'sudoku' };
    expect(() => createMaze({ model: { manifest, weights: new Uint8Array() } })).toThrow(ManifestError);
  });

  it('declares its inputs as a schema that agrees with the parser', () => {
    const lines = text.match(/.{30}/g)!;
    const accepted = [text, lines, lines.map((line) => line.split('')), { maze: text }, { maze: lines }];
    const refused = [42, null, [['#']], lines.slice(1), { grid: text }, lines.map((line) => line.slice(1))];
    for (const input of accepted) {
      expect(mazeInputSchema.safeParse(input).success).toBe(true);
      expect(() => parseMazeInput(input)).not.toThrow();
    }
    for (const input of refused) {
      expect(mazeInputSchema.safeParse(input).success, JSON.stringify(input)?.slice(0, 40)).toBe(false);
      expect(() => parseMazeInput(input)).toThrow(InvalidInputError);
    }
  });
});
