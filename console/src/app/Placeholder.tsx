import { useT } from './i18n';

/** Stands in for a page whose module has not landed yet. */
export function Placeholder() {
  const t = useT();
  return (
    <>
      <h1>{t('shell.title')}</h1>
      <p>{t('shell.placeholder')}</p>
    </>
  );
}
