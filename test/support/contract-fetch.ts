/**
 * A fetch for clients that do not go through http-client's `call` (the SDK's tests): every answer
 * from a gateway registered with checkContractAt is held to the OpenAPI document the same way, and
 * a mismatch rejects the request, so the test fails.
 */
import type { ContractMode } from './contract';
import { contractFailure } from './http-client';

type Fetch = (request: Request) => Promise<Response>;

export function contractCheckedFetch(
  fetch: Fetch = (request) => globalThis.fetch(request),
  mode: ContractMode = 'full',
): Fetch {
  return async (request) => {
    const { method, url } = request;
    const response = await fetch(request);
    // A copy is read, so the caller still gets the body.
    const text = await response.clone().text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    const headers = Object.fromEntries(response.headers);
    const failure = contractFailure(method, url, { status: response.status, headers, body, text }, mode);
    if (failure) throw failure;
    return response;
  };
}
