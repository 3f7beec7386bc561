/**
 * Leadbase's own resources: its DynamoDB table and the four functions behind its routes' `{ lambda }`
 * backends. Its stack (stack.ts) and the platform's demo stack both make them with this.
 */
import { join } from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { LEADBASE_TABLE_KEYS } from '../functions/table';

/** The backend names of api.ts's routes, each the file under functions/ that serves them. */
export const LEADBASE_BACKENDS = ['contacts', 'tables', 'enrichments', 'search'] as const;
export type LeadbaseBackend = (typeof LEADBASE_BACKENDS)[number];

export interface LeadbaseBackendsProps {
  /** For the table; RETAIN by default, since it holds the customers' contacts. */
  removalPolicy?: RemovalPolicy;
  /** Where the handlers are; `examples/leadbase/functions` under the working directory by default. */
  functionsDir?: string;
}

export class LeadbaseBackends extends Construct {
  readonly table: dynamodb.TableV2;
  readonly functions: Record<LeadbaseBackend, NodejsFunction>;

  constructor(scope: Construct, id: string, props: LeadbaseBackendsProps = {}) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: LEADBASE_TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: LEADBASE_TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // From the working directory: this runs as ESM (tsx, cdk) and as CommonJS (Jest).
    const functionsDir = props.functionsDir ?? join(process.cwd(), 'examples/leadbase/functions');
    const functions = {} as Record<LeadbaseBackend, NodejsFunction>;
    for (const name of LEADBASE_BACKENDS) {
      const fn = new NodejsFunction(this, name, {
        entry: join(functionsDir, `${name}.ts`),
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: 512,
        description: `Leadbase: ${name}`,
        environment: { LEADBASE_TABLE: this.table.tableName },
        bundling: { target: 'node22', minify: true },
      });
      // Reads and writes its own items; the search and lists Query the partition of one sub-account.
      this.table.grantReadWriteData(fn);
      functions[name] = fn;
    }
    this.functions = functions;
  }
}
