import { useId } from 'preact/hooks';
import { useConsole } from '../../app/context';
import { levelLabel } from './PermissionSummary';
import { ADMIN, type PermissionCatalog, type PermissionChoice, presetNames } from './permissions';

const CUSTOM = 'custom';

/** A level (read-only, read-write, admin), or custom: presets and single actions per resource. */
export function PermissionsPicker({
  catalog,
  value,
  onChange,
}: {
  catalog: PermissionCatalog;
  value: PermissionChoice;
  onChange: (choice: PermissionChoice) => void;
}) {
  const { t } = useConsole();
  const name = useId();
  const custom = value.kind === 'custom' ? value : undefined;
  const pick = (level: string) =>
    onChange(level === CUSTOM ? { kind: 'custom', presets: [], scopes: {} } : { kind: 'level', level });
  const togglePreset = (preset: string, on: boolean) =>
    custom &&
    onChange({
      ...custom,
      presets: on ? [...custom.presets, preset] : custom.presets.filter((p) => p !== preset),
    });
  const toggleAction = (resource: string, action: string, on: boolean) => {
    if (!custom) return;
    const actions = custom.scopes[resource] ?? [];
    const next = on ? [...actions, action] : actions.filter((a) => a !== action);
    onChange({ ...custom, scopes: { ...custom.scopes, [resource]: next } });
  };
  return (
    <fieldset class="permissions">
      <legend>{t('keys.permissions')}</legend>
      {Object.entries(catalog.levels).map(([level, { description }]) => (
        <label class="choice" key={level}>
          <input
            type="radio"
            name={name}
            value={level}
            checked={value.kind === 'level' && value.level === level}
            onChange={() => pick(level)}
          />
          <span>
            {levelLabel(t, level)}
            {description && <span class="choice-hint"> — {description}</span>}
          </span>
        </label>
      ))}
      <label class="choice">
        <input type="radio" name={name} value={CUSTOM} checked={custom !== undefined} onChange={() => pick(CUSTOM)} />
        <span>{t('keys.permissions.custom')}</span>
      </label>
      {custom && (
        <div class="permissions-custom">
          <fieldset>
            <legend>{t('keys.permissions.presets')}</legend>
            {presetNames(catalog).map((preset) => (
              <label class="choice" key={preset}>
                <input
                  type="checkbox"
                  checked={custom.presets.includes(preset)}
                  onChange={(event) => togglePreset(preset, (event.target as HTMLInputElement).checked)}
                />
                <span>
                  {preset}
                  <span class="choice-hint">
                    {' — '}
                    {preset === ADMIN ? t('keys.permissions.adminPreset') : catalog.presets[preset]}
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
          {Object.keys(catalog.resources).length > 0 && (
            <fieldset>
              <legend>{t('keys.permissions.resources')}</legend>
              {Object.entries(catalog.resources).map(([resource, actions]) => (
                <fieldset class="resource" key={resource}>
                  <legend>{t('keys.permissions.resource', { resource })}</legend>
                  {actions.map((action) => (
                    <label class="choice choice-inline" key={action}>
                      <input
                        type="checkbox"
                        checked={custom.scopes[resource]?.includes(action) ?? false}
                        onChange={(event) => toggleAction(resource, action, (event.target as HTMLInputElement).checked)}
                      />
                      <span>{`${resource}:${action}`}</span>
                    </label>
                  ))}
                </fieldset>
              ))}
            </fieldset>
          )}
        </div>
      )}
    </fieldset>
  );
}
