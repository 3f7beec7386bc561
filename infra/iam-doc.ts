/**
 * docs/iam.md, rendered from FUNCTIONS' `needs`: the same definition infra/grants.ts turns into
 * each role's policy, so the table cannot drift from the grants (test/infra/least-privilege.test.ts
 * compares the file with this; `npx tsx infra/write-iam-doc.ts` rewrites it).
 */
import { consumedQueues, FUNCTIONS, type FunctionId, type FunctionNeeds } from '../functions/definition/functions';

const HEADER = `# IAM: what each function may do

Generated from \`needs\` in \`functions/definition/functions.ts\` (\`npx tsx infra/write-iam-doc.ts\`);
\`infra/grants.ts\` turns the same needs into each function's role. Every role also writes to its
own log group, and nothing else.

- **Table**: DynamoDB actions on the table's items, exactly these; no function may Scan.
  Route handlers' lists include what their shared middy stack does (\`functions/runtime/http.ts\`):
  UpdateItem for the per-key rate limit counter, PutItem for audited routes,
  UpdateItem and GetItem for paid routes (\`functions/definition/table-access.ts\`).
- **Indexes**: \`dynamodb:Query\` on these indexes by name, never \`index/*\`.
- **Queues**: \`send\` is \`sqs:SendMessage\` (batches included); \`consume\` is what the Lambda event
  source mapping polls with (ReceiveMessage, DeleteMessage, GetQueueAttributes), plus
  ChangeMessageVisibility where the function hides its own messages (\`+hide\`).
- **Secrets**: \`secretsmanager:GetSecretValue\` on each named secret, nothing else.
- **Usage bucket**: \`read\` is \`s3:GetObject\` (ranged GETs included) on the objects under that
  prefix, \`write\` is \`s3:PutObject\` under it; no function may list or delete objects, nor reach
  another prefix.
- **Other**: \`flush\` is \`apigateway:DELETE\` on the authorizer cache of each stage of the API definition;
  \`invoke\` is \`lambda:InvokeFunction\` on exactly the team's Lambda backends of paid routes;
  \`email\` is \`ses:SendEmail\` on the sender address's identity and its domain's (and the team's
  \`senderIdentity\`), with \`ses:FromAddress\` equal to the sender, and only when a sender is
  configured.
- **Partitions**: a table action followed by prefixes, as \`GetItem (KEY#…, ORG#…)\`, may touch only
  items whose partition key starts with one of them (a \`dynamodb:LeadingKeys\` condition on that
  action's statement); an action without them reaches every item.

| Function | Table | Indexes | Queues | Secrets | Usage bucket | Other |
| --- | --- | --- | --- | --- | --- | --- |
`;

const list = (items: readonly string[]) => (items.length > 0 ? items.join(', ') : '–');

function queuesOf(needs: FunctionNeeds): string[] {
  const sends = [needs.sendToQueue, needs.scheduleKeyExpiry ? 'key-expiries' : undefined].filter(
    (queue): queue is string => queue !== undefined,
  );
  return [
    ...[...new Set(sends)].map((queue) => `send ${queue}`),
    ...consumedQueues(needs).map((queue) => `consume${needs.hideMessages ? '+hide' : ''} ${queue}`),
  ];
}

function secretsOf(needs: FunctionNeeds): string[] {
  return [
    ...(needs.pepper ? ['pepper'] : []),
    ...(needs.cursorKey ? ['cursor key'] : []),
    ...(needs.webhookSecret ? ['webhook secret'] : []),
    ...(needs.callerSigningSecret ? ['caller signing secret'] : []),
    ...(needs.sessionSecret ? ['session secret'] : []),
  ];
}

function usageBucketOf(needs: FunctionNeeds): string[] {
  return [
    ...(needs.usageBucket?.read ?? []).map((prefix) => `read ${prefix}`),
    ...(needs.usageBucket?.write ?? []).map((prefix) => `write ${prefix}`),
  ];
}

function otherOf(needs: FunctionNeeds): string[] {
  return [
    ...(needs.flushAuthorizerCache ? ['flush'] : []),
    ...(needs.invokeBackends ? ['invoke'] : []),
    ...(needs.sendEmail ? ['email'] : []),
  ];
}

/** Each table action, with the partition key prefixes it is held to when the needs name them. */
function tableOf(needs: FunctionNeeds): string[] {
  const partitions = needs.tablePartitions;
  return [...new Set(needs.table)].map((action) => {
    const prefixes = partitions?.[action];
    return prefixes ? `${action} (${prefixes.map((prefix) => `${prefix}…`).join(', ')})` : action;
  });
}

export function renderIamDoc(): string {
  const rows = (Object.keys(FUNCTIONS) as FunctionId[]).map((functionId) => {
    const needs: FunctionNeeds = FUNCTIONS[functionId].needs;
    const cells = [
      `\`${functionId}\``,
      list(tableOf(needs)),
      list(needs.queryIndexes ?? []),
      list(queuesOf(needs)),
      list(secretsOf(needs)),
      list(usageBucketOf(needs)),
      list(otherOf(needs)),
    ];
    return `| ${cells.join(' | ')} |`;
  });
  return `${HEADER}${rows.join('\n')}\n`;
}
