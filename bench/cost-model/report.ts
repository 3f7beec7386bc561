/** The cost model's tables: dollars per 1M authorized calls by component, AWS requests per 1,000. */
import { PRICES, PRICES_DATE, PRICES_REGION } from '../prices';
import { type CostLine, priceSize, requestsPer1000, type SizeMeasures, totalOf } from './costs';
import type { Sensitivity } from './sensitivity';

/** Fractions of a request show as such: an hourly rollup is 0.007 per 1,000 calls, not 0. */
const count = (value: number) => (value === 0 || value >= 1 ? value.toFixed(1) : value.toFixed(3));
const dollars = (value: number) => `$${value.toFixed(value < 0.1 ? 4 : 3)}`;
const row = (label: string, cells: string[]) =>
  `  ${label.padEnd(62)}${cells.map((cell) => cell.padStart(15)).join('')}`;

export function printCostTables(results: readonly SizeMeasures[]): void {
  const sizes = results.map((result) => `${result.keys.toLocaleString('en')} keys`);
  const priced = results.map((result) => priceSize(result));
  console.log(
    `\nPlatform share of AWS cost, $ per 1M authorized calls (${PRICES_REGION} list prices of ${PRICES_DATE}, bench/prices.ts)`,
  );
  console.log(row('component', sizes));
  for (const [index, line] of (priced[0] ?? []).entries()) {
    console.log(
      row(
        line.component,
        priced.map((lines) => dollars(lines[index]?.dollarsPerMillion ?? 0)),
      ),
    );
  }
  console.log(
    row(
      'platform share (total)',
      priced.map((lines) => dollars(totalOf(lines))),
    ),
  );
  console.log(
    row(
      'API Gateway REST requests (reference only)',
      sizes.map(() => dollars(PRICES.apiGateway.perMillionRequests)),
    ),
  );

  console.log('\nAWS requests per 1,000 authorized calls, by service and operation');
  const tables = results.map((result) => requestsPer1000(result));
  const names = [...new Set(tables.flatMap((table) => [...table.keys()]))].sort();
  console.log(row('request', sizes));
  for (const name of names)
    console.log(
      row(
        name,
        tables.map((table) => count(table.get(name) ?? 0)),
      ),
    );

  console.log('\nHow each size was run (modelled: SQS requests, Lambda log lines, organization reads per 5 min)');
  for (const [index, result] of results.entries()) console.log(`  ${sizes[index]}: ${result.howMeasured ?? ''}`);

  const defaultModel = results.findIndex((result) => result.keys === 10_000);
  if (defaultModel >= 0) {
    console.log(
      `\nplatform share, 10,000 keys: $${totalOf(priced[defaultModel] ?? []).toFixed(2)} per 1M authorized calls`,
    );
    printSensitivities(priced[defaultModel] ?? [], results[defaultModel]?.sensitivities ?? []);
  }
}

/** Each variant's share and the components that moved, beside the default's. */
function printSensitivities(defaults: readonly CostLine[], sensitivities: readonly Sensitivity[]): void {
  if (sensitivities.length === 0) return;
  console.log('  beside it, with one thing changed (the defaults stay):');
  const before = new Map(defaults.map((line) => [line.component, line.dollarsPerMillion]));
  for (const { label, lines } of sensitivities) {
    const moved = lines
      .filter((line) => Math.abs(line.dollarsPerMillion - (before.get(line.component) ?? 0)) >= 0.0005)
      .map((line) =>
        before.has(line.component)
          ? `${line.component} ${dollars(line.dollarsPerMillion)} instead of ${dollars(before.get(line.component) ?? 0)}`
          : `${line.component} ${dollars(line.dollarsPerMillion)}`,
      );
    const gone = defaults.filter((line) => !lines.some((other) => other.component === line.component));
    moved.push(...gone.map((line) => `no ${line.component} (${dollars(line.dollarsPerMillion)})`));
    console.log(`  - ${label}: $${totalOf(lines).toFixed(2)} (${moved.join('; ')})`);
  }
}
