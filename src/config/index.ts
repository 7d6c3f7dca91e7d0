export { lintOptionsFor, type ConfiguredLintOptions } from './apply.js';
export { ConfigError } from './config-error.js';
export { CONFIG_FILE_NAMES, findConfigFile } from './discover.js';
export { loadConfig } from './load.js';
export type * from './types.js';
