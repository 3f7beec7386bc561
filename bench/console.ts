/**
 * Issue 15's figures: what the console costs to build and to load. The build (esbuild, Preact) and
 * its sizes, and the page and script answered through the local gateway next to a management API
 * call, interleaved. A benchmark, not a test.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildConsole } from '../console/build';
import type { startPlatform } from '../local/platform';
import { call } from '../test/support/http-client';
import { interleaved, median, ms, timeEach } from './measure';

type Platform = Awaited<ReturnType<typeof startPlatform>>;

export async function benchConsole(options: {
  platform: Platform;
  report: (name: string, value: string) => void;
  quick: boolean;
}) {
  const { platform, report, quick } = options;
  const outdir = mkdtempSync(join(tmpdir(), 'console-bench-'));
  let manifest = buildConsole(outdir);
  const builds = await timeEach(quick ? 3 : 7, async () => {
    manifest = buildConsole(outdir);
  });
  report('console build (esbuild, median)', ms(median(builds)));
  for (const [kind, file] of [
    ['script', manifest.js],
    ['style sheet', manifest.css],
  ] as const) {
    const bytes = readFileSync(join(outdir, file));
    report(
      `console ${kind} (minified / gzip)`,
      `${(bytes.length / 1024).toFixed(0)} KiB / ${(gzipSync(bytes).length / 1024).toFixed(1)} KiB`,
    );
  }

  const { liveUrl, adminKey } = platform.bootstrap;
  const page = () => call('GET', `${liveUrl}/console/keys`, {});
  const whoami = () => call('GET', `${liveUrl}/v1/whoami`, { key: adminKey });
  for (const [name, answer] of [
    ['console page', await page()],
    ['whoami', await whoami()],
  ] as const) {
    if (answer.status !== 200) throw new Error(`${name} answered ${answer.status}`);
  }
  const rounds = quick ? 5 : 20;
  // The page carries the OIDC sign-in (the bench runs the local provider): its discovery document is
  // fetched once per instance and hour, so page loads should cost the identity provider nothing.
  const discoveries = countFetches('/.well-known/openid-configuration');
  const { a: pages, b: apiCalls } = await interleaved(rounds, 10, page, whoami);
  discoveries.stop();
  report('GET /console page through the local gateway, median', ms(median(pages)));
  report('GET /v1/whoami (management authorizer + handler), median', ms(median(apiCalls)));
  report(`OIDC discovery fetches during ${rounds * 10} console page loads`, String(discoveries.count));
}

/** Counts this process's fetches whose URL ends with `suffix` (the console function runs in-process). */
function countFetches(suffix: string) {
  const original = globalThis.fetch;
  const counter = { count: 0, stop: () => (globalThis.fetch = original) };
  globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.endsWith(suffix)) counter.count++;
    return original(input, init);
  };
  return counter;
}
