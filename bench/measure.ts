/** Small helpers for side-by-side measurements: interleaved rounds, medians, formatted figures. */
import { performance } from 'node:perf_hooks';

export async function timeEach(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < runs; index++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return samples;
}

/** Runs A and B in alternating rounds so machine noise hits both alike. */
export async function interleaved(
  rounds: number,
  perRound: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
) {
  const samplesA: number[] = [];
  const samplesB: number[] = [];
  for (let round = 0; round < rounds; round++) {
    samplesA.push(...(await timeEach(perRound, a)));
    samplesB.push(...(await timeEach(perRound, b)));
  }
  return { a: samplesA, b: samplesB };
}

export function median(samples: number[]): number {
  const sorted = [...samples].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

export const ms = (value: number) => `${value.toFixed(3)} ms`;
export const us = (value: number) => `${(value * 1000).toFixed(1)} µs`;
