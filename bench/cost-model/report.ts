/** The cost model's tables: dollars per 1M authorized calls by component, AWS requests per 1,000. */
import { PRICES, PRICES_DATE, PRICES_REGION } from '../prices';
import { priceSize, requestsPer1000, type SizeMeasures, totalOf } from './costs';

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
  }
}
