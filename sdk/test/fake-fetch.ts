/** A fetch that answers from a script and records what it was sent, for the SDK's unit tests. */

export interface SentRequest {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

export type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** Answers each request with the next answer (the last one repeats); `sent` lists the requests. */
export function fakeFetch(...answers: Answer[]) {
  const sent: SentRequest[] = [];
  const fetch = async (request: Request) => {
    sent.push({ method: request.method, url: request.url, headers: request.headers, body: await request.text() });
    const answer = answers[Math.min(sent.length, answers.length) - 1] as Answer;
    const text = answer.body === undefined ? null : JSON.stringify(answer.body);
    return new Response(text, {
      status: answer.status,
      headers: { ...(text !== null && { 'content-type': 'application/json' }), ...answer.headers },
    });
  };
  return { fetch, sent };
}

/** Records the waits the client asks for instead of waiting. */
export function fakeSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

export const errorBody = (code: string, message: string, fields?: { field: string; message: string }[]) => ({
  error: { code, message, ...(fields && { fields }) },
});
