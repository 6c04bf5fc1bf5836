const API_BASE = '/api/v1';

export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, message: string, body?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
}

function buildUrl(path: string, query?: RequestOptions['query']): string {
  const url = new URL(`${API_BASE}${path}`, window.location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

/**
 * Sends one request to the platform's API. The sample workspace has no API server, so the
 * request goes, as it would on the wire (the same URL and JSON body), to the sample API in
 * ./sample/sample-api.ts: a lazy chunk of the app's bundle that answers from the sample data.
 * A deployment with a real API would `fetch(url, { method, body, signal, credentials: 'include' })`
 * here instead; every caller stays the same.
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', body, query, signal } = options;
  const url = new URL(buildUrl(path, query));
  const { answerSampleRequest } = await import('./sample/sample-api');
  if (signal?.aborted) throw new DOMException('The request was aborted', 'AbortError');
  const response = answerSampleRequest({
    method,
    path: url.pathname.slice(API_BASE.length),
    query: url.searchParams,
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });

  if (response.status >= 400) {
    const payload: unknown = response.body === undefined ? undefined : JSON.parse(response.body);
    throw new ApiError(response.status, `${method} ${path} failed with ${response.status}`, payload);
  }
  if (response.status === 204 || response.body === undefined) return undefined as T;
  return JSON.parse(response.body) as T;
}
