// The service takes the library's device words: an unknown one stops the process with the typed error.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const start = (script, args, env = {}) => spawnSync(process.execPath, [script, ...args], { cwd: here, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });

describe('--device on the service', () => {
  it('an unknown word is UnsupportedDeviceError naming device, exit 2, on the server and the worker (flag or TRM_DEVICE)', () => {
    for (const run of [start('server.js', ['--device', 'tpu']), start('server.js', [], { TRM_DEVICE: 'wasm' }), start('worker.js', ['--device', 'tpu', '--redis', 'redis://127.0.0.1:1'])]) {
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^UnsupportedDeviceError: device "(tpu|wasm)" is not a device word; use auto, cpu or gpu \(also accepted here: cuda for gpu\)/);
    }
  });
});
