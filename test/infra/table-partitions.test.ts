/**
 * tableStatementsOf: how `needs.tablePartitions` becomes one IAM statement per group of table
 * actions held to the same partitions, and which definitions it refuses.
 */
import { tableStatementsOf } from '../../infra/grants';

describe('tableStatementsOf', () => {
  it('gives one unconditioned statement for actions without partitions', () => {
    expect(tableStatementsOf(['GetItem', 'PutItem', 'GetItem'], undefined)).toEqual([
      { actions: ['GetItem', 'PutItem'] },
    ]);
  });

  it('groups the actions held to the same prefixes, whatever their order, in the order they are named', () => {
    const statements = tableStatementsOf(['GetItem', 'Query', 'PutItem', 'UpdateItem'], {
      GetItem: ['KEY#', 'ORG#'],
      Query: ['EMAIL#', 'OIDC#'],
      PutItem: ['OIDC#'],
      UpdateItem: ['ORG#', 'KEY#'],
    });

    expect(statements).toEqual([
      { actions: ['GetItem', 'UpdateItem'], prefixes: ['KEY#', 'ORG#'] },
      { actions: ['Query'], prefixes: ['EMAIL#', 'OIDC#'] },
      { actions: ['PutItem'], prefixes: ['OIDC#'] },
    ]);
  });

  it('refuses a table action without prefixes once some are given: it would reach every item', () => {
    expect(() => tableStatementsOf(['GetItem', 'PutItem'], { GetItem: ['KEY#'] })).toThrow(/PutItem/);
    expect(() => tableStatementsOf(['GetItem'], { GetItem: [] })).toThrow(/GetItem/);
  });

  it('refuses prefixes for an action the function does not take', () => {
    expect(() => tableStatementsOf(['GetItem'], { GetItem: ['KEY#'], DeleteItem: ['KEY#'] })).toThrow(/DeleteItem/);
  });
});
