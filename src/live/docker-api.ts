/**
 * A minimal, read-only Docker Engine API client over the daemon's unix
 * socket (node:http, GET only): version negotiation, then the JSON the
 * docker CLI would print. No docker CLI, no TCP, no TLS.
 */
import { request } from 'node:http';

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * Highest API version this client asks for. Older daemons are asked in
 * their own version; newer ones answer this one (the fields read here are
 * the same in every version since 1.24).
 */
export const CLIENT_MAX_API = '1.51';
/** API 1.24 = Docker 1.12, the oldest daemon whose inspect JSON has everything the audit reads. */
export const CLIENT_MIN_API = '1.24';

export interface DockerHost {
  socketPath: string;
  /** Where it was given: `--docker-host`, `DOCKER_HOST` or the default. */
  origin: string;
}

export interface ApiLimits {
  timeoutMs: number;
  maxBytes: number;
}

/** Docker could not be asked: what happened, and what to do about it. */
export class DockerApiError extends Error {
  override readonly name = 'DockerApiError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** `unix:///path` or a bare absolute path; anything else is refused with the reason. */
export function resolveDockerHost(flag: string | undefined, env: string | undefined): DockerHost | { error: string } {
  const [value, origin] = flag !== undefined ? [flag, '--docker-host'] : env ? [env, 'DOCKER_HOST'] : [`unix://${DEFAULT_DOCKER_SOCKET}`, 'the default'];
  const path = value.startsWith('unix://') ? value.slice('unix://'.length) : value;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) || !path.startsWith('/')) {
    return { error: `${origin} is ${JSON.stringify(value)}: iptlint reads Docker only through a local unix socket (unix:///path/to/docker.sock)` };
  }
  return { socketPath: path, origin };
}

function compareApi(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

const API_VERSION = /^\d+\.\d+$/;

export interface DockerVersionInfo {
  /** Engine version, e.g. `20.10.24+dfsg1`. */
  version: string;
  /** API version the daemon speaks at most. */
  apiVersion: string;
  /** API version this client uses with it. */
  negotiated: string;
}

export class DockerApiClient {
  private negotiated?: string;

  constructor(
    readonly host: DockerHost,
    private readonly limits: ApiLimits,
  ) {}

  /** GET /version (unversioned, so any daemon answers) and pick the API version to speak. */
  async negotiate(): Promise<DockerVersionInfo> {
    const body = await this.getJson('/version');
    const version = stringField(body, 'Version');
    const apiVersion = stringField(body, 'ApiVersion');
    const minApi = stringField(body, 'MinAPIVersion') ?? CLIENT_MIN_API;
    if (!version || !apiVersion || !API_VERSION.test(apiVersion)) {
      throw new DockerApiError(`${this.where()}: GET /version did not answer like a Docker daemon`, 'check that --docker-host names the Docker daemon socket');
    }
    const negotiated = compareApi(apiVersion, CLIENT_MAX_API) < 0 ? apiVersion : CLIENT_MAX_API;
    if (compareApi(negotiated, CLIENT_MIN_API) < 0) {
      throw new DockerApiError(`${this.where()}: Docker ${version} speaks API ${apiVersion}, older than ${CLIENT_MIN_API} (Docker 1.12)`, 'upgrade Docker, or audit with exported inspect JSON (iptlint check --docker-networks …)');
    }
    if (API_VERSION.test(minApi) && compareApi(negotiated, minApi) < 0) {
      throw new DockerApiError(`${this.where()}: Docker ${version} needs API ${minApi} or later; iptlint speaks up to ${CLIENT_MAX_API}`, 'upgrade iptlint');
    }
    this.negotiated = negotiated;
    return { version, apiVersion, negotiated };
  }

  /** GET a versioned path (after negotiate()); `undefined` when the object is gone (404). */
  async get(path: string): Promise<unknown> {
    if (!this.negotiated) throw new Error('DockerApiClient.get before negotiate()');
    return this.getJson(`/v${this.negotiated}${path}`, { allowMissing: true });
  }

  private where(): string {
    return `Docker API at ${this.host.socketPath} (${this.host.origin})`;
  }

  private async getJson(path: string, options: { allowMissing?: boolean } = {}): Promise<unknown> {
    const { status, body } = await this.fetch(path);
    if (status === 404 && options.allowMissing) return undefined;
    if (status !== 200) {
      const message = apiMessage(body);
      throw new DockerApiError(`${this.where()}: GET ${path} answered HTTP ${status}${message ? `: ${message}` : ''}`, 'check the daemon log; the scan reads only GET endpoints');
    }
    try {
      return JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      throw new DockerApiError(`${this.where()}: GET ${path} answered something that is not JSON`, 'check that --docker-host names the Docker daemon socket');
    }
  }

  private fetch(path: string): Promise<{ status: number; body: Buffer }> {
    const { socketPath } = this.host;
    const { timeoutMs, maxBytes } = this.limits;
    return new Promise((resolve, reject) => {
      const fail = (error: DockerApiError): void => {
        req.destroy();
        reject(error);
      };
      const timer = setTimeout(() => fail(new DockerApiError(`${this.where()}: no answer to GET ${path} within ${timeoutMs / 1000} s`, 'check that dockerd is running and not stuck; raise --timeout')), timeoutMs);
      const req = request({ socketPath, path, method: 'GET', headers: { Host: 'docker', Accept: 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            clearTimeout(timer);
            fail(new DockerApiError(`${this.where()}: the answer to GET ${path} exceeds ${maxBytes} bytes; stopped reading`, 'a Docker state this large is not supported by scan --live'));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
        });
        res.on('error', (error) => {
          clearTimeout(timer);
          reject(this.connectionError(error));
        });
      });
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error instanceof DockerApiError ? error : this.connectionError(error));
      });
      req.end();
    });
  }

  private connectionError(error: NodeJS.ErrnoException): DockerApiError {
    const { socketPath, origin } = this.host;
    switch (error.code) {
      case 'ENOENT':
        return new DockerApiError(`no Docker socket at ${socketPath} (${origin})`, 'is Docker installed and running? Give the socket with --docker-host unix:///path or DOCKER_HOST');
      case 'EACCES':
      case 'EPERM':
        return new DockerApiError(`permission denied on the Docker socket ${socketPath} (${origin})`, 'run the scan as root or as a member of the docker group');
      case 'ECONNREFUSED':
        return new DockerApiError(`nothing listens on ${socketPath} (${origin})`, 'is dockerd running? A stale socket file remains after it stopped');
      case 'ENOTSOCK':
        return new DockerApiError(`${socketPath} (${origin}) is not a socket`, 'give the Docker daemon socket with --docker-host unix:///path');
      default:
        return new DockerApiError(`cannot talk to Docker at ${socketPath} (${origin}): ${error.message}`, 'check the socket path and the daemon');
    }
  }
}

function stringField(body: unknown, key: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/** Docker's error bodies are `{"message": "…"}`. */
function apiMessage(body: Buffer): string | undefined {
  try {
    return stringField(JSON.parse(body.toString('utf8')), 'message')?.slice(0, 300);
  } catch {
    return undefined;
  }
}
