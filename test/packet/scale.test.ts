/**
 * Reachability on a 1,000-container, 100-network Docker host: the whole
 * isolation matrix, outbound access, direct and published exposure,
 * DOCKER-USER checks and the witnesses behind the findings come out right at
 * that size. How fast is the benchmark's business (`npm run bench`, tool
 * `reach`): a timed unit test would only measure the CI machine's load.
 */
import { describe, expect, it } from 'vitest';
import { analyzeReach } from '../../src/packet/reach.js';
import { reachFindings } from '../../src/packet/reach-findings.js';
import { host } from './helpers.js';
import { syntheticDockerHost } from './synthetic-docker.js';

describe('reach at scale', () => {
  it('1,000 containers on 100 networks: every cell, every published port', () => {
    const big = syntheticDockerHost(100, 1000);
    const h = host({ ipv4: big.rules, networks: big.networks, containers: big.containers });
    const report = analyzeReach(h);
    expect(report.matrix).toHaveLength(100 * 100);
    expect(report.matrix.filter((cell) => cell.from !== cell.to && cell.status !== 'closed')).toEqual([]);
    expect(report.exposure.filter((entry) => entry.via === 'published' && entry.status === 'open')).toHaveLength(big.publishedPorts);
    expect(reachFindings(h, report).filter((finding) => finding.ruleId !== 'reach/direct-container-access')).toEqual([]);
  });
});
