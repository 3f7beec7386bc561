import fc from 'fast-check';
import {
  choiceOf,
  type PermissionCatalog,
  permissionSummary,
  permissionsOf,
} from '../../console/src/pages/keys/permissions';
import { reminderState } from '../../console/src/pages/keys/reminders';
import { leadbaseApi } from '../../examples/leadbase/api';

const catalog: PermissionCatalog = {
  resources: leadbaseApi.compiled.resources,
  presets: Object.fromEntries(Object.entries(leadbaseApi.compiled.presets).map(([name, p]) => [name, p.description])),
  levels: leadbaseApi.compiled.levels,
};

describe('the key form permissions (console/src/pages/keys/permissions.ts)', () => {
  it("sends a level's permissions", () => {
    expect(permissionsOf({ kind: 'level', level: 'read-write' }, catalog)).toEqual([
      'read',
      'write',
      'delete',
      'enrich',
      'search',
    ]);
  });

  it('sends every action of a resource as <resource>:*, single actions as themselves', () => {
    const choice = {
      kind: 'custom' as const,
      presets: ['search'],
      scopes: { contacts: ['delete', 'read', 'write'], tables: ['read'], enrichments: [] },
    };

    expect(permissionsOf(choice, catalog)).toEqual(['search', 'contacts:*', 'tables:read']);
  });

  it('shows a key whose permissions are a level as that level, and others as custom', () => {
    expect(choiceOf(['admin'], catalog)).toEqual({ kind: 'level', level: 'admin' });
    expect(choiceOf(['read', 'contacts:*'], catalog)).toEqual({
      kind: 'custom',
      presets: ['read'],
      scopes: { contacts: ['read', 'write', 'delete'] },
    });
  });

  it('sends back what it shows: permissionsOf(choiceOf(p)) grants p', () => {
    const scopes = Object.entries(catalog.resources).flatMap(([resource, actions]) =>
      actions.map((action) => `${resource}:${action}`),
    );
    const permission = fc.constantFrom(...Object.keys(catalog.presets), ...scopes);
    fc.assert(
      fc.property(fc.uniqueArray(permission, { minLength: 1 }), (permissions) => {
        const sent = permissionsOf(choiceOf(permissions, catalog), catalog);
        const expand = (list: string[]) =>
          new Set(
            list.flatMap((p) => {
              const [resource, action] = p.split(':');
              if (!action) return [p];
              return action === '*'
                ? (catalog.resources[resource as string] ?? []).map((a) => `${resource}:${a}`)
                : [p];
            }),
          );
        expect(expand(sent)).toEqual(expand(permissions));
      }),
    );
  });

  it('summarizes a level by its name and other permissions by the first three', () => {
    expect(permissionSummary(['read'], catalog)).toEqual({ level: 'read-only', text: 'read-only' });
    expect(permissionSummary(['read', 'write', 'tables:delete', 'search'], catalog).text).toBe(
      'read, write, tables:delete +1',
    );
  });
});

describe('reminderState', () => {
  const key = {
    createdAt: '2026-01-01T00:00:00.000Z',
    rotationDueAt: '2026-07-01T00:00:00.000Z',
    lastReminderStage: null,
    rotatedToKeyId: null,
  };
  const period = Date.parse(key.rotationDueAt) - Date.parse(key.createdAt);

  it('puts the first reminder at five sixths of the rotation period', () => {
    expect(reminderState(key).nextAt?.getTime()).toBe(Date.parse(key.createdAt) + (period * 5) / 6);
  });

  it('puts stage n at (n - 1) periods once stage n - 1 was sent', () => {
    expect(reminderState({ ...key, lastReminderStage: 2 }).nextAt?.getTime()).toBe(
      Date.parse(key.createdAt) + 2 * period,
    );
  });

  it('has no next reminder for a rotated key', () => {
    expect(reminderState({ ...key, lastReminderStage: 1, rotatedToKeyId: 'key_x' })).toEqual({ lastStage: 1 });
  });
});
