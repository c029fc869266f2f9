/** Calls the pixelrouter API with the signed-in key; errors carry the server's own message. */
export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly code: string | null) {
    super(message);
  }
}

export interface ApiCall {
  method?: string;
  json?: unknown;
  form?: FormData;
  signal?: AbortSignal;
  /** Overrides the signed-in key (sign-in checks a key before keeping it). */
  key?: string;
}

export interface Api {
  request<T>(path: string, call?: ApiCall): Promise<{ body: T; headers: Headers }>;
  get<T>(path: string): Promise<T>;
  send<T>(method: string, path: string, json?: unknown): Promise<T>;
}

/** `onUnauthorized` runs when the signed-in key stops working (revoked, disabled, expired). */
export function createApi(key: string | null, onUnauthorized: (message: string) => void = () => {}): Api {
  async function request<T>(path: string, call: ApiCall = {}) {
    const headers = new Headers({ accept: 'application/json' });
    const token = call.key ?? key;
    if (token) headers.set('authorization', `Bearer ${token}`);
    let body: BodyInit | undefined;
    if (call.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(call.json);
    } else if (call.form) {
      body = call.form; // the browser writes the multipart boundary
    }
    let response: Response;
    try {
      response = await fetch(path, { method: call.method ?? (body ? 'POST' : 'GET'), headers, body, signal: call.signal });
    } catch (error) {
      if (call.signal?.aborted) throw new ApiError('Cancelled', 0, 'cancelled');
      throw new ApiError(`Cannot reach the server (${error instanceof Error ? error.message : 'network error'})`, 0, 'network_error');
    }
    const parsed = (await response.json().catch(() => null)) as { error?: { message?: string; code?: string } } | null;
    if (!response.ok) {
      const message = parsed?.error?.message ?? `The server answered ${response.status}`;
      if (response.status === 401 && !call.key && key) onUnauthorized(message);
      throw new ApiError(message, response.status, parsed?.error?.code ?? null);
    }
    return { body: parsed as T, headers: response.headers };
  }
  return {
    request,
    get: async <T>(path: string) => (await request<T>(path)).body,
    send: async <T>(method: string, path: string, json?: unknown) => (await request<T>(path, { method, json })).body,
  };
}
