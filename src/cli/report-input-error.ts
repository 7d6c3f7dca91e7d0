import { neutralize } from '../formatters/terminal-text.js';
import type { CliIo } from './io.js';
import type { LoadedInput } from './inputs.js';

export function printInputError(io: CliIo, input: Extract<LoadedInput, { ok: false }>): void {
  io.stderr(`iptlint: cannot read '${neutralize(input.name)}': ${input.error}\nhint: ${input.hint}\n`);
}
