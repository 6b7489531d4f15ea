import { TrmError } from './trm-error';

/**
 * A task's own code (`detect`, `parseInput`, `verify`) ran past its time budget and was stopped;
 * `field` names the hook. The task is at fault, not the caller: its work is unbounded for this
 * input, or it loops.
 */
export class TaskTimeoutError extends TrmError {
  static override readonly kind: string = 'trm.error.task-timeout';
  readonly budgetMs: number;

  constructor(options: { task: string; hook: string; budgetMs: number; message?: string }) {
    super({
      name: 'TaskTimeoutError',
      field: options.hook,
      message: options.message ?? `task "${options.task}": ${options.hook}() did not return within ${options.budgetMs} ms and was stopped (it loops, or its work is unbounded for this input; bound it, or raise budgetMs)`,
    });
    this.budgetMs = options.budgetMs;
  }
}
