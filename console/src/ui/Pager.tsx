import { useT } from '../app/i18n';
import { Button } from './Button';

/** "Load more" for cursor pages; nothing when there is no next page. */
export function Pager({ hasMore, onMore, loading }: { hasMore: boolean; onMore: () => void; loading?: boolean }) {
  const t = useT();
  if (!hasMore) return null;
  return (
    <div class="pager">
      <Button onClick={onMore} disabled={loading} aria-busy={loading ? 'true' : undefined}>
        {loading ? t('ui.loading') : t('ui.more')}
      </Button>
    </div>
  );
}
