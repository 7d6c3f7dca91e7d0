/**
 * Every shared listing, checked against the state inferred from itself, gives
 * no drift finding: the expected rules derived from what the dump shows are
 * exactly the Docker rules it has.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeFindings, driftFindings, goldenFiles, lintDocker, listings, readListing, sharedDataAvailable } from './helpers.js';

const available = sharedDataAvailable('Docker listings self-consistency');

describe.skipIf(!available)('shared listings are consistent with their inferred state', () => {
  for (const listing of available ? listings() : []) {
    it(listing.name, () => {
      const { findings } = lintDocker(readListing(listing.path), { file: listing.name, family: listing.family });
      expect(describeFindings(driftFindings(findings))).toEqual([]);
    });
  }
});

describe.skipIf(!available)('29.x iptabler goldens', () => {
  // The unit test behind them bypasses the controller: no DOCKER-USER chain, so only that jump is missing.
  // Routed-mode goldens carry a DNAT that a real daemon never writes (README caveat), so they are left out.
  const goldens = available ? goldenFiles().filter((golden) => !golden.name.includes('gwm=routed')) : [];
  it(`${goldens.length} goldens: drift is only the missing FORWARD → DOCKER-USER jump`, () => {
    for (const golden of goldens) {
      const { findings } = lintDocker(readFileSync(golden.path, 'utf8'), { file: golden.name, family: golden.family });
      const unexpected = driftFindings(findings).filter((finding) => !(finding.ruleId === 'docker-chain-wiring' && finding.message.includes('DOCKER-USER')));
      expect(describeFindings(unexpected), golden.name).toEqual([]);
    }
  });
});
