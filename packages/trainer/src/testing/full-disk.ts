import type * as fs from 'node:fs/promises';

/**
 * A full disk for tests, which run as root (a read-only folder stops nothing): while `file` is
 * set, handles opened on a path that contains it write the first bytes of each write, then fail
 * with ENOSPC, as a disk that fills mid-write does. Install it in a test file with
 * `vi.mock('node:fs/promises', async (original) => (await import('../testing/full-disk')).withFullDisk(await original()))`.
 */
export const fullDisk = { file: undefined as string | undefined };

export function withFullDisk(original: typeof fs): typeof fs {
  const open: typeof fs.open = async (...args) => {
    const handle = await original.open(...args);
    if (fullDisk.file !== undefined && String(args[0]).includes(fullDisk.file)) {
      const writeFile = handle.writeFile.bind(handle);
      handle.writeFile = async (data: string | Uint8Array) => {
        await writeFile(typeof data === 'string' ? data.slice(0, 10) : data.subarray(0, 10));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      };
    }
    return handle;
  };
  return { ...original, open };
}
