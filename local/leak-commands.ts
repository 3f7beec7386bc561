/** The operator CLI's leaked-key commands: an organization's choice, and a simulated partner report. */
import { parseArgs } from 'node:util';
import {
  LEAKED_KEY_ACTIONS,
  type LeakedKeyAction,
  type LeakedKeyActionSetting,
} from '../functions/domain/organization';
import type { Bootstrap } from './platform';
import { leakReportBody, signAsLocalPartner } from './secret-scanning-partner';

export const LEAK_USAGE = `  orgs set-leak-action --organization <id> --action revoke|deactivate
      What happens to a key a secret-scanning partner reports as leaked: revoked (the default,
      permanent) or deactivated (reversible with POST /v1/keys/{id}/activate).
  leaks report --key <sk_…> [--key <sk_…> …] [--url <where it was found>] [--stage live|sandbox]
      Local stack only: posts a report as a secret-scanning partner would, signed with the local
      partner's test key (local/fixtures), and prints the answer ([{token_raw, token_type, label}]).`;

type Fail = (message: string) => never;

export async function setLeakAction(args: string[], organizations: () => LeakedKeyActionSetting, fail: Fail) {
  const { values } = parseArgs({
    args,
    options: { organization: { type: 'string' }, action: { type: 'string' } },
    strict: true,
  });
  if (!values.organization) fail('--organization is required');
  const action = values.action as LeakedKeyAction | undefined;
  if (!action || !LEAKED_KEY_ACTIONS.includes(action)) fail(`--action must be ${LEAKED_KEY_ACTIONS.join(' or ')}`);
  await organizations().setLeakedKeyAction(values.organization as string, action as LeakedKeyAction);
  console.log(JSON.stringify({ organizationId: values.organization, leakedKeyAction: action }, null, 2));
}

export async function reportLeak(args: string[], local: Bootstrap | undefined, fail: Fail) {
  const { values } = parseArgs({
    args,
    options: {
      key: { type: 'string', multiple: true },
      url: { type: 'string' },
      stage: { type: 'string', default: 'live' },
    },
    strict: true,
  });
  if (!local) fail('leaks report needs the running local stack (.local/bootstrap.json); start it with `npm start`.');
  const tokens = values.key ?? [];
  if (tokens.length === 0) fail('--key is required (the key to report; any string, to see a false_positive)');
  const base = values.stage === 'sandbox' ? local?.sandboxUrl : values.stage === 'live' ? local?.liveUrl : undefined;
  if (!base) fail('--stage must be live or sandbox');
  const report = signAsLocalPartner(leakReportBody(tokens, values.url));
  const response = await fetch(`${base}/v1/secret-scanning/reports`, {
    method: 'POST',
    headers: report.headers,
    body: report.body,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: print it as it came
  }
  console.log(JSON.stringify({ status: response.status, body }, null, 2));
}
