/**
 * The symbolic engine against the kernel: one header-space query per probe
 * sender covers every destination, port and protocol; each kernel probe of
 * the committed lab captures must fall in the open set exactly when the
 * kernel saw it open.
 */
import { describe, expect, it } from 'vitest';
import { captureLabel, describeProbe, labCaptureDirs, labWorld, symbolicVerdicts } from './lab-world.js';

const dirs = labCaptureDirs();

describe.skipIf(dirs.length === 0)('symbolic reachability agrees with the kernel probes', () => {
  for (const dir of dirs) {
    it(captureLabel(dir), () => {
      const world = labWorld(dir);
      const verdicts = symbolicVerdicts(world);
      const disagreements = world.capture.probes
        .filter((probe) => verdicts.get(probe) !== probe.result)
        .map((probe) => `${describeProbe(probe)}: kernel ${probe.result}, symbolic ${verdicts.get(probe) ?? '?'}`);
      expect(disagreements).toEqual([]);
    });
  }
});
