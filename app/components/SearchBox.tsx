import { Form as RemixForm, useLocation, useSearchParams } from '@remix-run/react';
import { Input } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { SEARCH_QUERY_MAX } from '../../shared/validation/search';
import { useT } from '../lib/i18n';

/**
 * The search box in the header: a plain GET form to /search, so it works before the page's script
 * loads; Enter submits. On the search page it shows the current term.
 */
export function SearchBox() {
  const t = useT();
  const { pathname } = useLocation();
  const [params] = useSearchParams();
  const current = pathname === '/search' ? params.get('q') ?? '' : '';
  return (
    <RemixForm method="get" action="/search" role="search" aria-label={t('search.box')} className="app-search">
      <Input
        key={current}
        name="q"
        type="search"
        defaultValue={current}
        maxLength={SEARCH_QUERY_MAX}
        aria-label={t('search.box')}
        placeholder={t('search.placeholder')}
        prefix={<SearchOutlined aria-hidden="true" />}
        data-testid="header-search"
      />
    </RemixForm>
  );
}
