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

describe('--model on the service', () => {
  it('TASK=MANIFEST for a task it does not serve, or a manifest that is not there, stops it with the typed error, exit 2', () => {
    const unknown = start('server.js', ['--model', 'chess=./x.json', '--port', '0']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^InvalidInputError: --model: expected TASK=MANIFEST with TASK one of sudoku, maze/);
    const missing = start('worker.js', ['--model', 'sudoku=./no-such-manifest.json', '--redis', 'redis://127.0.0.1:1']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^\w+Error: .*no-such-manifest\.json/);
  });
});
