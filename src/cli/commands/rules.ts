import { ruleCatalog } from '../../formatters/rule-catalog.js';
import { formatRuleListJson } from '../../formatters/rule-list-json.js';
import { formatRuleListText } from '../../formatters/rule-list-text.js';
import type { ParsedCommand } from '../args.js';
import { ExitCode } from '../exit-code.js';
import type { CliIo } from '../io.js';
import { tool } from '../version.js';

export function runRules(cmd: Extract<ParsedCommand, { command: 'rules' }>, io: CliIo): ExitCode {
  const catalog = ruleCatalog();
  io.stdout(
    cmd.format === 'json'
      ? formatRuleListJson(catalog, tool)
      : formatRuleListText(catalog, { color: cmd.color ?? io.colorByDefault }),
  );
  return ExitCode.ok;
}
