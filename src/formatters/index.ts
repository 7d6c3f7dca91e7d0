import { formatHtml } from './html.js';
import { formatJson } from './json.js';
import { formatStylish } from './stylish.js';
import type { FormatterName } from './names.js';
import type { Formatter } from './types.js';

export const formatters: Readonly<Record<FormatterName, Formatter>> = {
  stylish: formatStylish,
  json: formatJson,
  html: formatHtml,
};

export { formatterNames, type FormatterName } from './names.js';

export { formatHtml } from './html.js';
export { formatJson, toJsonReport } from './json.js';
export type { JsonFileEntry, JsonFinding, JsonLocation, JsonReport } from './json.js';
export { formatStylish } from './stylish.js';
export { neutralize } from './terminal-text.js';
export { summarize } from './summary.js';
export type { Summary } from './summary.js';
export type * from './types.js';
