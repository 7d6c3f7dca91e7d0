/**
 * The caps on what the live scan reads: a save program that prints more
 * than the cap is stopped, and so is a Docker answer larger than the cap.
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DockerApiClient, DockerApiError } from '../../src/live/docker-api.js';
import { findSaveCommands, runSave } from '../../src/live/save-commands.js';
import { fakeHost } from './fake-host.js';

const dump = join(process.cwd(), 'fixtures/docker/multi-network/iptables.rules');
const host = fakeHost({ 'iptables-nft-save': { print: dump } });
afterAll(() => host.cleanup());

describe('output caps', () => {
  it('a save program printing more than maxBytes is stopped and reported', async () => {
    const command = findSaveCommands(host.binDir).commands.find((entry) => entry.program === 'iptables-nft-save');
    if (!command) throw new Error('shim not found');
    const within = await runSave(command, host.binDir, { timeoutMs: 10_000, maxBytes: 1 << 20 });
    expect(within.ok).toBe(true);
    const over = await runSave(command, host.binDir, { timeoutMs: 10_000, maxBytes: 100 });
    expect(over).toMatchObject({ ok: false, error: 'iptables-nft-save printed more than 100 bytes; stopped it' });
  });

  it('a Docker answer larger than maxBytes is refused', async () => {
    const socket = join(host.dir, 'big.sock');
    const server = createServer((_, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ Version: '28.5.1', ApiVersion: '1.51', Padding: 'x'.repeat(200_000) }));
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      const small = new DockerApiClient({ socketPath: socket, origin: '--docker-host' }, { timeoutMs: 10_000, maxBytes: 10_000 });
      await expect(small.negotiate()).rejects.toThrow(DockerApiError);
      await expect(small.negotiate()).rejects.toThrow(`Docker API at ${socket} (--docker-host): the answer to GET /version exceeds 10000 bytes; stopped reading`);
      const large = new DockerApiClient({ socketPath: socket, origin: '--docker-host' }, { timeoutMs: 10_000, maxBytes: 1 << 20 });
      await expect(large.negotiate()).resolves.toEqual({ version: '28.5.1', apiVersion: '1.51', negotiated: '1.51' });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
