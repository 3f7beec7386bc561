/**
 * API Gateway's control plane, locally: usage plans and API keys, and FlushStageAuthorizersCache.
 * It listens on a loopback port of its own, not on the gateway's public port, and answers only
 * requests whose path starts with a random token. The token travels in the endpoint URL
 * (`http://127.0.0.1:<port>/<token>`): the real SDK clients, in the handlers and in the CLI,
 * prefix every request path with it, so they need no local-only code.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { closeServer, listen, readBody } from '../emulators/listen';
import type { AuthorizerResultCache } from './authorizer-cache';
import type { ControlPlaneBody, ControlPlaneResponse, LocalUsagePlans } from './usage-plans';

const MAX_BODY_BYTES = 64 * 1024;

/** What the control plane's operations read; unknown fields (description, keyType) are ignored, as before. */
const controlPlaneBody = z.object({
  name: z.string().max(1024).optional(),
  value: z.string().min(20).max(128).optional(),
  enabled: z.boolean().optional(),
  keyId: z.string().max(128).optional(),
  throttle: z.object({ rateLimit: z.number().nonnegative(), burstLimit: z.number().int().nonnegative() }).optional(),
  quota: z.object({ limit: z.number().int().nonnegative(), period: z.enum(['DAY', 'WEEK', 'MONTH']) }).optional(),
  apiStages: z.array(z.object({ apiId: z.string(), stage: z.string() })).optional(),
}) satisfies z.ZodType<ControlPlaneBody>;

export function newControlPlaneToken(): string {
  return randomBytes(32).toString('base64url');
}

export async function startControlPlane(options: {
  token: string;
  usagePlans: LocalUsagePlans;
  cache: AuthorizerResultCache;
  port?: number;
}) {
  const expected = digest(options.token);
  const server: Server = createServer((request, response) => {
    handle(request)
      .catch((error: unknown) => {
        console.error('local control plane: unexpected failure', error);
        return awsError(500, 'InternalFailure', 'The local control plane failed; see its log.');
      })
      .then((result) => send(response, result));
  });

  async function handle(request: IncomingMessage): Promise<ControlPlaneResponse> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const [, presented = '', ...rest] = url.pathname.split('/');
    if (!timingSafeEqual(digest(presented), expected)) {
      return awsError(403, 'ForbiddenException', 'Missing or wrong control-plane token (see endpoints.apiGateway)');
    }
    const path = `/${rest.join('/')}`;
    const method = request.method ?? 'GET';
    const raw = (await readBody(request, MAX_BODY_BYTES))?.toString('utf8');
    if (raw === undefined) return awsError(413, 'BadRequestException', `Request body over ${MAX_BODY_BYTES} bytes`);
    let segments: string[];
    try {
      segments = rest.map(decodeURIComponent);
    } catch {
      return awsError(400, 'BadRequestException', 'The path has a malformed percent-encoding');
    }
    const flush = /^\/restapis\/[^/]+\/stages\/[^/]+\/cache\/authorizers$/.test(path);
    if (flush && method === 'DELETE') {
      options.cache.flush(segments[3] as string);
      return { statusCode: 202, body: {} };
    }
    const body = parseBody(raw);
    if ('statusCode' in body) return body;
    return (
      options.usagePlans.handle(method, path, body.value) ??
      awsError(404, 'NotFoundException', `No control-plane operation ${method} ${path}`)
    );
  }

  const port = await listen(server, options.port ?? 0);
  return { url: `http://127.0.0.1:${port}/${options.token}`, port, close: () => closeServer(server) };
}

function parseBody(raw: string): { value: ControlPlaneBody } | ControlPlaneResponse {
  let json: unknown;
  try {
    json = raw ? JSON.parse(raw) : {};
  } catch {
    return awsError(400, 'BadRequestException', 'The request body is not valid JSON');
  }
  const parsed = controlPlaneBody.safeParse(json);
  if (parsed.success) return { value: parsed.data };
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  return awsError(400, 'BadRequestException', `Invalid request body: ${issues.join('; ')}`);
}

/** Equal-length digests, so the comparison takes the same time whatever was presented. */
const digest = (value: string) => createHash('sha256').update(value).digest();

const awsError = (statusCode: number, errorType: string, message: string): ControlPlaneResponse => ({
  statusCode,
  body: { message },
  errorType,
});

function send(response: ServerResponse, result: ControlPlaneResponse) {
  response.writeHead(result.statusCode, {
    'content-type': 'application/json',
    ...(result.errorType && { 'x-amzn-errortype': result.errorType }),
  });
  response.end(JSON.stringify(result.body));
}
