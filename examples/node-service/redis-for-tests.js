// Test helpers: a private redis-server on a loopback port, and worker processes (worker.js).
// Not part of the service; used by queue.test.js and bench/service-queue.bench.js.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// Every process started here dies with this one, even when a test fails before its cleanup.
const children = new Set();
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});
const track = (child) => {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
};
export const redisServerPath = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => existsSync(path));

/** True once `PING` on host:port answers `+PONG`. */
export function ping(port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (value) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

async function waitFor(check, timeoutMs, what) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A redis-server of our own on a random loopback port. `persist: true` keeps an append-only file
 * (fsync always) in a temp folder, so `stop()` then `start()` is a restart that keeps the jobs.
 */
export async function startRedis({ persist = false } = {}) {
  if (!redisServerPath) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const port = 20000 + Math.floor(Math.random() * 30000);
  const dir = mkdtempSync(join(tmpdir(), 'trm-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', persist ? 'yes' : 'no', '--appendfsync', 'always', '--maxclients', '10000'];
  let child;
  const server = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = track(spawn(redisServerPath, args, { stdio: 'ignore' }));
      await waitFor(() => ping(port), 10_000, `redis-server on port ${port}`);
    },
    /** Shuts it down (SIGTERM: the append-only file is flushed) and waits until the port is closed. */
    async stop() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
    async dispose() {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** A worker process (worker.js); resolves once it printed its ready line. */
export function spawnWorker(redisUrl, { queue = 'trm-solve', batch = 8, threads = 1, lockMs = 30_000, closeTimeoutMs = 30_000, models = [] } = {}) {
  const child = track(spawn(process.execPath, [join(here, 'worker.js'), '--redis', redisUrl, '--queue', queue, '--batch', String(batch), '--threads', String(threads), '--lock-ms', String(lockMs), '--close-timeout-ms', String(closeTimeoutMs), ...models.flatMap((model) => ['--model', model])], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TRM_PARENT_PID: String(process.pid) } }));
  let stderr = '';
  child.stderr.on('data', (data) => (stderr = (stderr + data).slice(-4000)));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${stderr}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${stderr}`)));
    lines.on('line', (line) => {
      try {
        const ready = JSON.parse(line);
        if (ready.ready) {
          clearTimeout(timer);
          resolve({ child, pid: child.pid, name: ready.worker, peakRssMiB: () => peakRssMiB(child.pid), stderr: () => stderr });
        }
      } catch {}
    });
  });
}

/** The peak resident memory of a live process (VmHWM), in MiB; Linux only. */
export function peakRssMiB(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}
