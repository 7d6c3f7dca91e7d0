/**
 * The yaml package, loaded on first use. Loading it costs about 90 ms at
 * every process start, and most runs read no YAML and locate no error in a
 * JSON file (inspect JSON goes through JSON.parse).
 */
import { createRequire } from 'node:module';

type YamlPackage = typeof import('yaml');

const load = createRequire(import.meta.url);
let yamlPackage: YamlPackage | undefined;

export function yamlPackageOnce(): YamlPackage {
  yamlPackage ??= load('yaml') as YamlPackage;
  return yamlPackage;
}
