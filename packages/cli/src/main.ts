import { TrmError } from '@trm/core';
import { exportCommand, exportUsage } from './commands/export';
import { trainCommand, trainUsage } from './commands/train';
import { solveCommand, solveUsage } from './commands/solve';
import { evalCommand, evalUsage } from './commands/eval';
import { dataCommand, dataUsage } from './commands/data';
import { curvesCommand, curvesUsage } from './commands/curves';
import { describeTaskOptions, loadTask, taskArgument } from './tasks';
import type { CliIo } from './cli-io';

const usage = ['usage:', `  ${solveUsage}`, `  ${evalUsage}`, `  ${trainUsage}`, `  ${exportUsage}`, `  ${dataUsage}`, `  ${curvesUsage}`].join('\n');

/** Runs the CLI; returns the exit code. Errors are printed, never thrown. */
export async function main(argv: string[], io: CliIo = { stdout: (line) => console.log(line), stderr: (line) => console.error(line) }): Promise<number> {
  const [command, ...rest] = argv;
  const commandUsage: Record<string, string> = { solve: solveUsage, eval: evalUsage, train: trainUsage, export: exportUsage, data: dataUsage, curves: curvesUsage };
  if (command && Object.hasOwn(commandUsage, command) && (rest.includes('--help') || rest.includes('-h'))) {
    io.stdout(`usage:\n  ${commandUsage[command]}`);
    // With a task, also the options it declares (training data, data sets).
    const spec = taskArgument(rest.filter((arg) => arg !== '--help' && arg !== '-h'));
    if (spec && (command === 'train' || command === 'data')) {
      try {
        const { task } = await loadTask(spec);
        const options = command === 'train' ? task.training?.options : task.dataset?.options;
        io.stdout(`options of ${task.name} (${task.description}):\n    ${describeTaskOptions(options) || '(none)'}`);
      } catch (error) {
        if (!TrmError.isInstance(error)) throw error;
        io.stderr(`${error.name}: ${error.message}`);
        return 2;
      }
    }
    return 0;
  }
  try {
    switch (command) {
      case 'solve':
        return await solveCommand(rest, io);
      case 'eval':
        return await evalCommand(rest, io);
      case 'data':
        return await dataCommand(rest, io);
      case 'train':
        await trainCommand(rest, io);
        return 0;
      case 'export':
        await exportCommand(rest, io);
        return 0;
      case 'curves':
        await curvesCommand(rest, io);
        return 0;
      case undefined:
      case 'help':
      case '--help':
        io.stdout(usage);
        return command === undefined ? 1 : 0;
      default:
        io.stderr(`unknown command "${command}"\n${usage}`);
        return 2;
    }
  } catch (error) {
    if (TrmError.isInstance(error)) {
      io.stderr(`${error.name}: ${error.message}`);
      return 2;
    }
    io.stderr(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}
