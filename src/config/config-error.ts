/** A configuration file that cannot be used: the message starts with `file[:line:col]:` and names the key path. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
