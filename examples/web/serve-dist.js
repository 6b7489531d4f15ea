// A static server for the built page, cross-origin isolated (so WebAssembly threads work), on a
// free loopback port. Used by the browser tests and the browser benchmark.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const distDirectory = fileURLToPath(new URL('./dist', import.meta.url));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream' };

export async function serveDist() {
  if (!existsSync(join(distDirectory, 'index.html'))) throw new Error('examples/web is not built: run pnpm build');
  const server = createServer((request, response) => {
    const path = new URL(request.url, 'http://localhost').pathname;
    const file = join(distDirectory, path === '/' ? 'index.html' : path);
    if (!file.startsWith(distDirectory) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    response.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Debian's Chromium with the flags this machine needs (no background network, no sandbox as root). */
export async function launchChromium(executablePath = process.env.TRM_CHROMIUM ?? '/usr/bin/chromium') {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-unsafe-webgpu', '--use-angle=swiftshader', '--enable-features=Vulkan'],
  });
}
