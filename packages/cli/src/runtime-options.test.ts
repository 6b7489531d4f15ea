import { describe, expect, it } from 'vitest';
import { main } from './main';
import { solveUsage } from './commands/solve';
import { evalUsage } from './commands/eval';
import { trainUsage } from './commands/train';
import { runtimeFromFlags } from './runtime-options';

async function run(argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

const puzzle = '..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..';

describe('--device and --threads', () => {
  it('take the library’s device words and default (auto), with cuda kept as gpu', () => {
    expect(runtimeFromFlags({}).device).toBe('auto');
    for (const [word, device] of [['auto', 'auto'], ['cpu', 'cpu'], ['gpu', 'gpu'], ['cuda', 'gpu']]) {
      expect(runtimeFromFlags({ device: word, threads: '1' }).device, word).toBe(device);
    }
    expect(() => runtimeFromFlags({ device: 'wasm' })).toThrow(expect.objectContaining({ name: 'UnsupportedDeviceError', field: 'device' }));
    expect(() => runtimeFromFlags({ threads: '0' })).toThrow(expect.objectContaining({ field: '--threads' }));
  });

  it('solve runs on the default device, and an unknown word is a typed error naming device (exit 2)', async () => {
    const solved = await run(['solve', 'sudoku', puzzle, '--json', '--max-steps', '1', '--threads', '1']);
    expect(solved.code).toBe(0);
    expect(JSON.parse(solved.stdout).task).toBe('sudoku');
    const cpu = await run(['solve', 'sudoku', puzzle, '--json', '--max-steps', '1', '--threads', '1', '--device', 'cpu']);
    expect(JSON.parse(cpu.stdout).answer).toBe(JSON.parse(solved.stdout).answer);
    const unknown = await run(['solve', 'sudoku', puzzle, '--device', 'tpu']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/UnsupportedDeviceError: device "tpu" .*auto, cpu or gpu/);
    const training = await run(['train', 'sudoku', '--device', 'tpu', '--steps', '1']);
    expect(training.code).toBe(2);
    expect(training.stderr).toMatch(/UnsupportedDeviceError: device "tpu"/);
  });

  it('every command’s help names the same words', () => {
    for (const usage of [solveUsage, evalUsage, trainUsage]) expect(usage).toContain('--device auto|cpu|gpu');
  });
});
