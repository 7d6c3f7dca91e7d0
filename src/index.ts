/**
 * iptlint's programmatic API: parse and print dumps, build the model, lint,
 * and format findings exactly as the CLI does.
 */
export { DumpParser, parse, print } from '../grammar/index.js';
export type { ParseOptions } from '../grammar/index.js';
export { buildModel } from './model/build.js';
export { checkText, lint, parseErrorFindings } from './engine/lint.js';
export { allRules } from '../rules/index.js';

export {
  formatters,
  formatterNames,
  formatHtml,
  formatJson,
  formatStylish,
  formatSarif,
  formatJunit,
  formatGithub,
  formatPrometheus,
  toJsonReport,
  toSarifLog,
  neutralize,
  summarize,
} from './formatters/index.js';
export { ruleCatalog, type CatalogEntry, type FindingSource } from './formatters/rule-catalog.js';
export { formatRuleListJson, toRuleListJson } from './formatters/rule-list-json.js';
export { formatRuleListText } from './formatters/rule-list-text.js';
export { toolVersion as version } from './cli/version.js';

export type * from '../grammar/ast.js';
export type * from './model/types.js';
export type * from './engine/types.js';
export type {
  CheckedFileReport,
  FileReport,
  FormatOptions,
  Formatter,
  FormatterName,
  JsonFileEntry,
  JsonFinding,
  JsonLocation,
  JsonReport,
  SarifLog,
  SeverityCounts,
  Summary,
  ToolInfo,
  UnreadableFileReport,
} from './formatters/index.js';
export { writeFileAtomic, OutputFileError } from './cli/output-file.js';
export type { JsonFindingEntry, JsonRuleEntry, JsonRuleList } from './formatters/rule-list-json.js';
