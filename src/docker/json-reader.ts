/** Typed reads from a parsed JSON/YAML value; every failure names its key path and position. */
import type { KeyPath } from './input-error.js';
import type { StructuredFile } from './structured-file.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class JsonReader {
  constructor(readonly source: StructuredFile) {}

  object(value: unknown, path: KeyPath): JsonObject {
    if (!isObject(value)) throw this.source.error(path, `expected an object, found ${describe(value)}`);
    return value;
  }

  array(value: unknown, path: KeyPath): unknown[] {
    if (!Array.isArray(value)) throw this.source.error(path, `expected an array, found ${describe(value)}`);
    return value;
  }

  /** A string field; absent or null gives `undefined`. */
  optionalString(object: JsonObject, key: string, path: KeyPath): string | undefined {
    const value = object[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw this.source.error([...path, key], `expected a string, found ${describe(value)}`);
    return value;
  }

  string(object: JsonObject, key: string, path: KeyPath): string {
    const value = this.optionalString(object, key, path);
    if (value === undefined) throw this.source.error(path, `missing "${key}"`);
    return value;
  }

  optionalBoolean(object: JsonObject, key: string, path: KeyPath): boolean | undefined {
    const value = object[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw this.source.error([...path, key], `expected true or false, found ${describe(value)}`);
    return value;
  }

  /** A field that must be an object if present (`{}` when absent or null). */
  optionalObject(object: JsonObject, key: string, path: KeyPath): JsonObject {
    const value = object[key];
    if (value === undefined || value === null) return {};
    return this.object(value, [...path, key]);
  }

  optionalArray(object: JsonObject, key: string, path: KeyPath): unknown[] {
    const value = object[key];
    if (value === undefined || value === null) return [];
    return this.array(value, [...path, key]);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}
