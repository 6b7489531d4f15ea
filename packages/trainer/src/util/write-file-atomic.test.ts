import { existsSync, lstatSync, statSync } from 'node:fs';
import { mkdtemp, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fullDisk } from '../testing/full-disk';
import { writeFileAtomic, writeFilesAtomic } from './write-file-atomic';

// Tests run as root, where permissions stop nothing: a full disk is simulated instead.
vi.mock('node:fs/promises', async (original) => (await import('../testing/full-disk')).withFullDisk(await original()));

describe('writeFileAtomic', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'trm-atomic-'));
  });
  afterEach(() => {
    fullDisk.file = undefined;
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes text, bytes and chunks (over several internal flushes) exactly, leaving no temporary file', async () => {
    await writeFileAtomic(join(directory, 'a.txt'), 'hello\n');
    await writeFileAtomic(join(directory, 'b.bin'), Uint8Array.of(1, 2, 3));
    const rows = Array.from({ length: 120_000 }, (_, index) => `row ${index},${'x'.repeat(index % 17)}\n`);
    async function* chunks() {
      yield* rows;
    }
    await writeFileAtomic(join(directory, 'c.csv'), chunks());
    expect(await readFile(join(directory, 'a.txt'), 'utf8')).toBe('hello\n');
    expect([...(await readFile(join(directory, 'b.bin')))]).toEqual([1, 2, 3]);
    expect(await readFile(join(directory, 'c.csv'), 'utf8')).toBe(rows.join(''));
    expect((await readdir(directory)).sort()).toEqual(['a.txt', 'b.bin', 'c.csv']);
  });

  it('a write that fails (disk full) leaves the old file as it was and removes the temporary file', async () => {
    const folder = await mkdtemp(join(directory, 'full-'));
    const path = join(folder, 'manifest.json');
    await writeFile(path, '{"old":true}\n');
    fullDisk.file = 'manifest.json';
    await expect(writeFileAtomic(path, `${JSON.stringify({ new: 'x'.repeat(1000) })}\n`)).rejects.toMatchObject({ code: 'ENOSPC' });
    fullDisk.file = undefined;
    expect(await readFile(path, 'utf8')).toBe('{"old":true}\n');
    expect(await readdir(folder)).toEqual(['manifest.json']);
  });

  it('several files: one failing write replaces none of them', async () => {
    const folder = await mkdtemp(join(directory, 'pair-'));
    await writeFile(join(folder, 'model.onnx'), 'old weights');
    await writeFile(join(folder, 'manifest.json'), 'old manifest');
    fullDisk.file = 'manifest.json';
    await expect(writeFilesAtomic([[join(folder, 'model.onnx'), 'new weights'], [join(folder, 'manifest.json'), 'new manifest']])).rejects.toMatchObject({ code: 'ENOSPC' });
    fullDisk.file = undefined;
    expect(await readFile(join(folder, 'model.onnx'), 'utf8')).toBe('old weights');
    expect(await readFile(join(folder, 'manifest.json'), 'utf8')).toBe('old manifest');
    expect((await readdir(folder)).sort()).toEqual(['manifest.json', 'model.onnx']);
    await writeFilesAtomic([[join(folder, 'model.onnx'), 'new weights'], [join(folder, 'manifest.json'), 'new manifest']]);
    expect(await readFile(join(folder, 'model.onnx'), 'utf8')).toBe('new weights');
    expect(await readFile(join(folder, 'manifest.json'), 'utf8')).toBe('new manifest');
  });

  it('content that fails part way (a generator that throws) leaves no file behind', async () => {
    const folder = await mkdtemp(join(directory, 'throws-'));
    async function* rows() {
      yield 'header\n';
      yield 'x'.repeat(2 << 20); // past one flush, so part of it is on disk when the next row throws
      throw new Error('generator broke');
    }
    await expect(writeFileAtomic(join(folder, 'data.csv'), rows())).rejects.toThrow('generator broke');
    expect(await readdir(folder)).toEqual([]);
  });

  it('writes through a symlink to its file, keeping the link', async () => {
    const folder = await mkdtemp(join(directory, 'link-'));
    await writeFile(join(folder, 'real.json'), 'old');
    await symlink(join(folder, 'real.json'), join(folder, 'link.json'));
    await writeFileAtomic(join(folder, 'link.json'), 'new');
    expect(lstatSync(join(folder, 'link.json')).isSymbolicLink()).toBe(true);
    expect(await readlink(join(folder, 'link.json'))).toBe(join(folder, 'real.json'));
    expect(await readFile(join(folder, 'real.json'), 'utf8')).toBe('new');
  });

  it.runIf(existsSync('/dev/full'))('writes a device in place (no temporary file in /dev, no rename over it): /dev/full fails with ENOSPC', async () => {
    const before = await readdir('/dev');
    await expect(writeFileAtomic('/dev/full', 'data')).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
    expect(await readdir('/dev')).toEqual(before);
  });
});
