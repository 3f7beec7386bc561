/**
 * startTestPlatform closes what it started when its own setup fails after the stack is up: the
 * test file gets no platform to close, and servers left open would outlive it in its Jest worker,
 * where local-stack-closed.test.ts would count them. A file of its own: starting a stack changes
 * the process's endpoints and active API.
 */
import { defineApi } from '../../functions/definition/api-definition';
import type { LocalApp } from '../../local/platform';
import { listeningSockets } from '../support/listening-sockets';
import { startTestPlatform } from '../support/platform';

const onLinux = listeningSockets() !== undefined ? it : it.skip;
const ports = () => (listeningSockets() ?? []).map((socket) => socket.port).sort();

const withoutCustomLimit: LocalApp = {
  definition: defineApi({
    name: 'No custom limit API',
    resources: { widgets: ['read'] },
    routes: [
      { method: 'GET', path: '/v1/widgets', permission: 'widgets:read', summary: 'List', backend: { lambda: 'w' } },
    ],
    plans: { standard: { requestsPerMinute: 60 } },
    defaultPlan: 'standard',
  }),
  backends: { w: async () => ({ statusCode: 200, body: '[]' }) },
};

describe('startTestPlatform', () => {
  onLinux(
    'closes the stack when moving the demo organization to a custom-limit plan fails, leaving no port open',
    async () => {
      const before = ports();

      await expect(startTestPlatform({ app: withoutCustomLimit })).rejects.toThrow('no plan with customLimit');

      expect(ports()).toEqual(before);
    },
  );
});
