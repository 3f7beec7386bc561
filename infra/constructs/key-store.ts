/** Where keys live: the DynamoDB table of TABLE_SCHEMA and the pepper their hashes are keyed with. */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../functions/definition/table';

export interface KeyStoreProps {
  /** For the table and the pepper alike: losing either one makes every issued key useless. */
  removalPolicy?: RemovalPolicy;
}

export class KeyStore extends Construct {
  readonly table: dynamodb.Table;
  readonly pepper: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: KeyStoreProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const stringKey = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: stringKey(TABLE_SCHEMA.partitionKey),
      sortKey: stringKey(TABLE_SCHEMA.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_SCHEMA.timeToLiveAttribute,
      removalPolicy,
    });
    for (const index of TABLE_SCHEMA.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        // Never ALL: an index copies only what its queries read (TABLE_SCHEMA, docs/dynamodb.md).
        ...(index.projection.type === 'KEYS_ONLY'
          ? { projectionType: dynamodb.ProjectionType.KEYS_ONLY }
          : { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection.attributes] }),
      });
    }

    // The runtime base64-decodes the secret and wants at least 32 bytes (functions/adapters/pepper.ts).
    // Secrets Manager generates characters, not bytes: 64 alphanumerics decode as base64 to 48
    // bytes carrying about 380 bits of entropy.
    this.pepper = new secretsmanager.Secret(this, 'Pepper', {
      description: 'HMAC pepper for API key hashes. Changing it invalidates every issued key.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy,
    });
  }
}
