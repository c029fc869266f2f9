/** Exit codes: 0 ok, 1 server or unexpected error, 2 bad usage or configuration, 3 authentication. */
export const EXIT = { error: 1, usage: 2, auth: 3 } as const;

export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

/** The exit code for an HTTP error status. */
export const exitCodeFor = (status: number) => (status === 401 || status === 403 ? EXIT.auth : status < 500 ? EXIT.usage : EXIT.error);
