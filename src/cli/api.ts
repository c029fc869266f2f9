import { CliError, EXIT, exitCodeFor } from './errors.js';

/**
 * A small client for pixelrouter's HTTP API, shared by the CLI's client commands and the MCP server.
 * Errors carry the server's message and the CLI exit code for its status.
 */
export interface ApiConfig {
  url: string;
  apiKey?: string;
}

export class ApiCallError extends CliError {
  /** `status` is null when the server could not be reached. */
  constructor(message: string, readonly status: number | null, readonly code: string | null = null) {
    super(message, status === null ? EXIT.error : exitCodeFor(status));
  }
}

export interface ImageParams {
  prompt: string;
  model: string;
  n?: number;
  size?: string;
  quality?: string;
  output_format?: string;
}

export interface ImagesResponse {
  created: number;
  data: Array<{ b64_json?: string; url?: string; revised_prompt?: string }>;
  latency: number;
  cost: number;
  output_format?: string;
  size?: string;
  quality?: string;
  warnings?: string[];
}

/** An image's bytes as sent in a multipart upload. */
export interface UploadFile {
  bytes: Buffer;
  name: string;
  type: string;
}

/** A generation's parsed answer, its raw text (printed unchanged by --json) and the provider that made it. */
export interface ImageResult {
  response: ImagesResponse;
  raw: string;
  provider: string | null;
}

export interface ModelsQuery {
  search?: string;
  sort?: string;
  provider?: string;
  limit?: number;
}

export interface UsageQuery {
  limit?: number;
  model?: string;
}

const KEY_HINT = 'set PIXELROUTER_API_KEY or pass --api-key';

export class PixelrouterApi {
  constructor(readonly config: ApiConfig) {}

  /** One request; a non-2xx answer throws with the server's error message. */
  private async call(method: string, path: string, options: { json?: unknown; form?: FormData; auth: boolean }) {
    const headers: Record<string, string> = {};
    if (options.auth) {
      if (!this.config.apiKey) throw new CliError(`No API key: ${KEY_HINT}`, EXIT.usage);
      headers.authorization = `Bearer ${this.config.apiKey}`;
    }
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(new URL(path, this.config.url), { method, headers, body: options.form ?? (options.json === undefined ? undefined : JSON.stringify(options.json)) });
    } catch {
      throw new ApiCallError(`Cannot reach the server at ${this.config.url}: is it running? (set PIXELROUTER_URL or pass --url)`, null);
    }
    const raw = await response.text();
    let body: any;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const error = body?.error;
      const message = typeof error?.message === 'string' ? error.message : `HTTP ${response.status} ${raw.slice(0, 200)}`.trim();
      const hint = response.status === 401 ? ` (${KEY_HINT})` : '';
      throw new ApiCallError(`${message}${hint} [HTTP ${response.status}${error?.code ? ` ${error.code}` : ''}]`, response.status, error?.code ?? null);
    }
    if (body === undefined) throw new ApiCallError(`The server answered with something other than JSON: ${raw.slice(0, 200)}`, response.status);
    return { body, raw, headers: response.headers };
  }

  private async images(path: string, options: { json?: unknown; form?: FormData }): Promise<ImageResult> {
    const { body, raw, headers } = await this.call('POST', path, { ...options, auth: true });
    return { response: body as ImagesResponse, raw, provider: headers.get('x-pixelrouter-provider') };
  }

  /** Text to image (JSON), images inline as base64. */
  generate(params: ImageParams) {
    return this.images('/v1/openai/images/generations', { json: { ...params, response_format: 'b64_json' } });
  }

  /** Image to image (multipart): `image[]` files and an optional mask. */
  edit(params: ImageParams, images: UploadFile[], mask?: UploadFile) {
    const form = new FormData();
    for (const [field, value] of Object.entries({ ...params, response_format: 'b64_json' })) {
      if (value !== undefined) form.append(field, String(value));
    }
    const blob = (file: UploadFile) => new Blob([new Uint8Array(file.bytes)], { type: file.type });
    for (const image of images) form.append('image[]', blob(image), image.name);
    if (mask) form.append('mask', blob(mask), mask.name);
    return this.images('/v1/openai/images/edits', { form });
  }

  /** GET /v1/models: an object keyed by model id, in the server's order. */
  async models(query: ModelsQuery = {}): Promise<Record<string, any>> {
    const params = new URLSearchParams({ type: 'image' });
    if (query.search) params.set('name', query.search);
    if (query.sort) params.set('sort', query.sort);
    if (query.provider) params.set('provider', query.provider);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    return (await this.call('GET', `/v1/models?${params}`, { auth: false })).body;
  }

  async credits(byApiKey = false): Promise<any> {
    return (await this.call('GET', `/v1/credits${byApiKey ? '?by_api_key=true' : ''}`, { auth: true })).body;
  }

  async usage(query: UsageQuery = {}): Promise<any> {
    const params = new URLSearchParams();
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.model) params.set('model', query.model);
    const search = params.toString();
    return (await this.call('GET', `/v1/usage${search ? `?${search}` : ''}`, { auth: true })).body;
  }
}
