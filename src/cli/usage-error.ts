export const HELP_HINT = "run 'iptlint --help' for usage";

/** A mistake in how iptlint was invoked: printed as one line plus a hint, exit 2, never a stack trace. */
export class UsageError extends Error {
  constructor(
    readonly reason: string,
    readonly hint: string = HELP_HINT,
  ) {
    super(reason);
    this.name = 'UsageError';
  }
}
