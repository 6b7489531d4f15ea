import { ModelLoadError } from '../contracts/errors/model-load-error';
import type { ModelSourceV1 } from '../contracts/inference-runtime';
import { type ModelManifest, parseModelManifest } from '../contracts/manifest/model-manifest';
import { sha256Hex } from '../util/sha256';

/** A manifest is a small JSON file; anything larger is refused unread. */
const maxManifestBytes = 1_000_000;

function isUrlText(text: string): boolean {
  // A scheme of two letters or more: `C:\models\m.json` stays a Windows path.
  return /^[a-z][a-z0-9+.-]+:/i.test(text);
}

/**
 * A model from the location of its manifest (what `trm train` and `trm export` write): a file
 * path or file: URL in Node, an http(s) URL anywhere. The weights are the manifest's own files,
 * resolved beside it and kept inside its folder; the runtime checks their size and sha256 at load.
 */
export async function readModelSource(location: string | URL, options: { readonly field?: string } = {}): Promise<ModelSourceV1> {
  // The name the caller knows the location by (`model`, or a CLI's `--model`).
  const field = options.field ?? 'model';
  const text = location instanceof URL ? location.href : location;
  if (typeof text !== 'string' || text === '') throw new ModelLoadError({ source: String(location), message: 'expected the path or URL of a manifest.json', field });
  const url = location instanceof URL ? location : isUrlText(text) ? new URL(text) : undefined;
  if (url && url.protocol !== 'file:') return readFromUrl(url, field);
  return readFromFile(url ?? text, field);
}

async function readFromUrl(url: URL, field: string): Promise<ModelSourceV1> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ModelLoadError({ source: url.href, message: `cannot read a manifest over ${url.protocol} (use a file path, file:, http: or https:)`, field });
  let json: unknown;
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = await response.text();
    if (body.length > maxManifestBytes) throw new Error(`${body.length} bytes: a manifest is a small JSON file (at most 1 MB)`);
    json = JSON.parse(body);
  } catch (error) {
    throw new ModelLoadError({ source: url.href, message: `cannot read manifest: ${(error as Error).message}`, field, cause: error });
  }
  const manifest = parseModelManifest(json);
  const folder = new URL('./', url);
  const weights = manifest.weights.map((file, index) => {
    const resolved = new URL(file.path, folder);
    if (resolved.origin !== folder.origin || !resolved.pathname.startsWith(folder.pathname)) {
      throw new ModelLoadError({ source: url.href, message: `weights path ${JSON.stringify(file.path)} leaves the manifest's folder`, field: `weights[${index}].path` });
    }
    return resolved;
  });
  return { manifest, weights: weights[0]! };
}

async function readFromFile(location: string | URL, field: string): Promise<ModelSourceV1> {
  // Node only, loaded when asked for, so browsers never see these imports.
  const fsName = 'node:fs/promises';
  const pathName = 'node:path';
  const urlName = 'node:url';
  const [{ readFile, realpath, stat }, { basename, dirname, isAbsolute, relative, resolve, sep }, { fileURLToPath }] = await Promise.all([
    import(/* @vite-ignore */ fsName) as Promise<typeof import('node:fs/promises')>,
    import(/* @vite-ignore */ pathName) as Promise<typeof import('node:path')>,
    import(/* @vite-ignore */ urlName) as Promise<typeof import('node:url')>,
  ]).catch((error: unknown) => {
    throw new ModelLoadError({ source: String(location), message: 'a manifest path is read with Node; in a browser give an http(s) URL', field, cause: error });
  });
  const path = resolve(typeof location === 'string' ? location : fileURLToPath(location));
  let json: unknown;
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > maxManifestBytes) throw new Error(info.isFile() ? `${info.size} bytes: a manifest is a small JSON file (at most 1 MB)` : 'not a regular file');
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ModelLoadError({ source: path, message: `cannot read manifest: ${(error as Error).message}`, field, cause: error });
  }
  const manifest = parseModelManifest(json);
  // Every weight file stays inside the manifest's folder, links resolved (a link cannot point outside).
  const folder = await realpath(dirname(path));
  const inside = async (file: string, index: number) => {
    const target = resolve(folder, file);
    // A missing file is the runtime's to report (with its size and sha256 checks); its folder still counts.
    const real = await realpath(target).catch(() => realpath(dirname(target)).then((parent) => resolve(parent, basename(target)), () => target));
    for (const candidate of [target, real]) {
      const rest = relative(folder, candidate);
      // Only a whole '..' segment climbs out: '..w.onnx' is a file in the folder.
      if (rest === '..' || rest.startsWith(`..${sep}`) || isAbsolute(rest)) throw new ModelLoadError({ source: path, message: `weights path ${JSON.stringify(file)} leaves the manifest's folder`, field: `weights[${index}].path` });
    }
    return target;
  };
  const files = await Promise.all(manifest.weights.map((file, index) => inside(file.path, index)));
  for (const [index, file] of manifest.weights.entries()) if (index > 0) await checkWeightFile(files[index]!, file, path, index, { readFile, stat });
  return { manifest, weights: files[0]! };
}

/** Extra weight files (the runtime checks the first): size first, so a device or huge file is refused unread, then sha256. */
async function checkWeightFile(
  path: string,
  file: ModelManifest['weights'][number],
  manifestPath: string,
  index: number,
  fs: Pick<typeof import('node:fs/promises'), 'readFile' | 'stat'>,
): Promise<void> {
  let bytes: Uint8Array;
  try {
    const info = await fs.stat(path);
    if (!info.isFile() || info.size !== file.bytes) throw new Error(info.isFile() ? `${info.size} bytes, the manifest says ${file.bytes}` : 'not a regular file');
    bytes = await fs.readFile(path);
  } catch (error) {
    throw new ModelLoadError({ source: manifestPath, message: `weights[${index}] ${path}: ${(error as Error).message}`, field: `weights[${index}]`, cause: error });
  }
  if ((await sha256Hex(bytes)) !== file.sha256) throw new ModelLoadError({ source: manifestPath, message: `weights[${index}] ${path}: sha256 differs from the manifest`, field: `weights[${index}].sha256` });
}
