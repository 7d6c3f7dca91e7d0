/**
 * What buildModel records while it resolves the actions (the action index)
 * must equal what a walk over the finished model computes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from '../../grammar/index.js';
import { actionIndex } from '../../src/model/action-index.js';
import { buildModel } from '../../src/model/build.js';
import type { Rule } from '../../src/model/types.js';

const root = join(import.meta.dirname, '..', '..');
const files = ['fixtures', 'examples'].flatMap((folder) =>
  readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.rules'))
    .map((name) => join(root, folder, name)),
);

const ids = (rules: readonly Rule[]): string[] => rules.map((rule) => rule.id);

describe('actionIndex', () => {
  it('groups the rules as a walk over the built model does, on every committed dump', () => {
    let grouped = 0;
    for (const file of files) {
      const model = buildModel(parse(readFileSync(file, 'utf8'), { file: relative(root, file) }));
      const walkedModel = { ...model };
      for (const table of model.tables.keys()) {
        const recorded = actionIndex(model, table);
        const walked = actionIndex(walkedModel, table);
        expect(recorded).not.toBe(walked);
        expect(ids(recorded.unresolved)).toEqual(ids(walked.unresolved));
        expect(ids(recorded.terminating)).toEqual(ids(walked.terminating));
        expect([...recorded.extensions].map(([name, rules]) => [name, ids(rules)])).toEqual([...walked.extensions].map(([name, rules]) => [name, ids(rules)]));
        grouped += recorded.terminating.length + recorded.unresolved.length;
      }
    }
    expect(grouped).toBeGreaterThan(1000);
  });
});
