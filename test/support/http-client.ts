/** A small HTTP client for driving the local stack as an API client would, from a chosen loopback address. */
import { request } from 'node:http';

export interface ApiResponse<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
}

export interface CallOptions {
  key?: string;
  /** How the key is sent. */
  keyHeader?: 'x-api-key' | 'bearer';
  body?: unknown;
  rawBody?: string;
  /** A list sends the header once per value, as repeated header lines. */
  headers?: Record<string, string | string[]>;
  /** Source address on loopback (127.0.0.0/8), to test IP allowlists. */
  localAddress?: string;
}

export function call<T = any>(method: string, url: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string | string[]> = { ...options.headers };
  if (options.key) {
    if (options.keyHeader === 'bearer') headers.authorization = `Bearer ${options.key}`;
    else headers['x-api-key'] = options.key;
  }
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers, ...(options.localAddress && { localAddress: options.localAddress }) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: body as T, text });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** A client bound to a stage URL and a key. */
export function apiAs(baseUrl: string, key?: string, defaults: Omit<CallOptions, 'key' | 'body'> = {}) {
  const send =
    (method: string) =>
    <T = any>(path: string, body?: unknown, options: CallOptions = {}) =>
      call<T>(method, `${baseUrl}${path}`, {
        ...defaults,
        ...(key && { key }),
        ...(body !== undefined && { body }),
        ...options,
      });
  return { get: send('GET'), post: send('POST'), patch: send('PATCH'), delete: send('DELETE'), put: send('PUT') };
}
