export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** `ajx normalize`: the file was rejected as a whole. */
  fileRejected: 3,
  /** `ajx supervise`: an input line is invalid; nothing was written. */
  invalidInput: 4,
} as const;

/** An error the CLI reports as one line on stderr with a specific exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}
