/** Where a command writes: results to stdout, progress and errors to stderr (tests capture both). */
export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}
