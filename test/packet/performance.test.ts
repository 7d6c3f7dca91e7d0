/**
 * Reachability on a 1,000-container, 100-network Docker host must finish in
 * 2 s: the whole isolation matrix, outbound access, direct and published
 * exposure, DOCKER-USER checks and the witnesses behind the findings.
 */
import { describe, expect, it } from 'vitest';
import { analyzeReach } from '../../src/packet/reach.js';
import { reachFindings } from '../../src/packet/reach-findings.js';
import { host } from './helpers.js';
import { syntheticDockerHost } from './synthetic-docker.js';

describe('reach performance', () => {
  it('1,000 containers on 100 networks: under 2 s', () => {
    const warmup = syntheticDockerHost(10, 60);
    analyzeReach(host({ ipv4: warmup.rules, networks: warmup.networks, containers: warmup.containers }));

    const big = syntheticDockerHost(100, 1000);
    const timings: number[] = [];
    let summary = '';
    for (let run = 0; run < 2; run++) {
      // A fresh host each time: parsing and compiling the rules, every cache cold.
      const started = performance.now();
      const h = host({ ipv4: big.rules, networks: big.networks, containers: big.containers });
      const report = analyzeReach(h);
      const findings = reachFindings(h, report);
      timings.push(performance.now() - started);
      summary = `${report.matrix.length} matrix cells, ${report.exposure.length} exposures, ${findings.length} findings, ${report.stats.queries} queries`;
      expect(report.matrix).toHaveLength(100 * 100);
      expect(report.matrix.filter((cell) => cell.from !== cell.to && cell.status !== 'closed')).toEqual([]);
      expect(report.exposure.filter((entry) => entry.via === 'published' && entry.status === 'open')).toHaveLength(big.publishedPorts);
    }
    console.log(`reach on ${big.rules.split('\n').length} lines, 100 networks, 1000 containers: ${timings.map((t) => `${t.toFixed(0)} ms`).join(', ')} (${summary})`);
    expect(Math.min(...timings)).toBeLessThan(2000);
  });
});
