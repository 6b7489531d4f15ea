import { randomBytes } from 'node:crypto';
import { type FileHandle, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** What writeFileAtomic writes: the whole content, or chunks (a CSV made row by row). */
export type FileContent = string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

// Chunks are gathered to this size, so a file made of millions of short rows takes few writes.
const chunkBytes = 1 << 20;

/**
 * Writes `path` whole or not at all: the content goes to a temporary file in the same folder (a
 * rename within one file system is atomic), is flushed, then renamed over `path`. A reader sees
 * the old file or the new one, never half of one; on failure the temporary file is removed and
 * the old file is left as it was. A target that exists and is not a regular file (/dev/stdout, a
 * pipe) is written in place: there is no file to replace, and renaming over a device would.
 */
export async function writeFileAtomic(path: string, content: FileContent): Promise<void> {
  await writeFilesAtomic([[path, content]]);
}

/**
 * Writes several files as writeFileAtomic does, none replaced until every one is written: a full
 * disk leaves all the old files. They are then renamed in the order given, so list a file before
 * the one that refers to it (weights before their manifest).
 */
export async function writeFilesAtomic(files: readonly (readonly [path: string, content: FileContent])[]): Promise<void> {
  const prepared: PreparedFile[] = [];
  try {
    for (const [path, content] of files) prepared.push(await prepareFile(path, content));
  } catch (error) {
    await Promise.all(prepared.map((file) => file.discard()));
    throw error;
  }
  for (const [index, file] of prepared.entries()) {
    try {
      await file.commit();
    } catch (error) {
      await Promise.all(prepared.slice(index).map((rest) => rest.discard()));
      throw error;
    }
  }
}

interface PreparedFile {
  /** Puts the written file in place. */
  commit(): Promise<void>;
  /** Removes the written file, leaving the old one. */
  discard(): Promise<void>;
}

async function prepareFile(path: string, content: FileContent): Promise<PreparedFile> {
  const existing = await existingTarget(path);
  if (existing && !existing.regular) {
    const handle = await open(existing.path, 'w');
    try {
      await writeContent(handle, content);
    } finally {
      await handle.close();
    }
    return { commit: async () => undefined, discard: async () => undefined };
  }
  const target = existing?.path ?? path;
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const discard = () => unlink(temporary).catch(() => undefined);
  const handle = await open(temporary, 'wx', existing?.mode ?? 0o666);
  try {
    await writeContent(handle, content);
    // A disk that fills late (delayed allocation) reports it here, before the old file is replaced.
    await handle.datasync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await discard();
    throw error;
  }
  await handle.close();
  return { commit: () => rename(temporary, target), discard };
}

/** The file a path names after links, when it exists: renaming over a link would replace the link, not its file. */
async function existingTarget(path: string): Promise<{ path: string; regular: boolean; mode: number } | undefined> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const stats = await stat(real);
  return { path: real, regular: stats.isFile(), mode: stats.mode & 0o777 };
}

async function writeContent(handle: FileHandle, content: FileContent) {
  if (typeof content === 'string' || content instanceof Uint8Array) {
    await handle.writeFile(content);
    return;
  }
  let pending: (string | Uint8Array)[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const parts = pending.map((part) => (typeof part === 'string' ? Buffer.from(part) : part));
    pending = [];
    pendingBytes = 0;
    // writeFile on a handle writes from its current position, so successive calls append.
    await handle.writeFile(Buffer.concat(parts));
  };
  for await (const chunk of content) {
    pending.push(chunk);
    pendingBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (pendingBytes >= chunkBytes) await flush();
  }
  await flush();
}
