/**
 * Exit codes: 0 ok, 1 server, network or rate-limit error (worth retrying), 2 bad usage, configuration
 * or request, 3 authentication or permission, 4 insufficient balance.
 */
export const EXIT = { error: 1, usage: 2, auth: 3, balance: 4 } as const;

export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

/** The exit code for an HTTP error status. */
export function exitCodeFor(status: number): number {
  if (status === 401 || status === 403) return EXIT.auth;
  if (status === 402) return EXIT.balance;
  // A rate limit is transient, like a server error: the request itself was fine.
  if (status === 429 || status >= 500) return EXIT.error;
  return EXIT.usage;
}
