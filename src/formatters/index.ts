import { formatGithub } from './github.js';
import { formatHtml } from './html.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatPrometheus } from './prometheus.js';
import { formatSarif } from './sarif.js';
import { formatStylish } from './stylish.js';
import type { FormatterName } from './names.js';
import type { Formatter } from './types.js';

export const formatters: Readonly<Record<FormatterName, Formatter>> = {
  stylish: formatStylish,
  json: formatJson,
  sarif: formatSarif,
  junit: formatJunit,
  github: formatGithub,
  prometheus: formatPrometheus,
  html: formatHtml,
};

export { formatterNames, ruleListFormatNames, type FormatterName, type RuleListFormatName } from './names.js';

export { formatHtml } from './html.js';
export { formatJson, toJsonReport } from './json.js';
export type { JsonFileEntry, JsonFinding, JsonLocation, JsonReport } from './json.js';
export { formatGithub } from './github.js';
export { formatJunit } from './junit.js';
export { formatPrometheus } from './prometheus.js';
export { formatSarif, toSarifLog, FINGERPRINT_KEY } from './sarif.js';
export type { SarifLog } from './sarif.js';
export { formatStylish } from './stylish.js';
export { neutralize } from './terminal-text.js';
export { summarize } from './summary.js';
export type { Summary } from './summary.js';
export type * from './types.js';
