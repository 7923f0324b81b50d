import { useEffect, useState, type ReactNode } from 'react';
import { Form as RemixForm, Link, useLocation } from '@remix-run/react';
import { Button, Layout, Menu, Space, Typography } from 'antd';
import { AppDrawer } from './AppDrawer';
import { MenuOutlined } from '@ant-design/icons';
import type { Role } from '../../shared/domain/model';
import { useLocale, useT } from '../lib/i18n';
import { RegionTag } from './RegionTag';
import { NotificationBell } from './NotificationBell';
import { SearchBox } from './SearchBox';
import { InlineStyle } from './InlineStyle';
import { usePreloadPages } from '../lib/preload';
import { useFocusRescue } from '../lib/focus-rescue';
import { useScrollableTables } from '../lib/scroll-regions';
import { useIndexMarkerDropped, useOnlineSubmitHandler } from '../lib/submit';
import { useSessionChanges } from '../realtime/hooks';

/** `may`: the areas the policy opens to this user (the root loader asks it). */
export interface ShellUser { id: string; displayName: string; orgName: string; region: string; roles: Role[]; may: { drafts: boolean; admin: boolean } }

/**
 * Desktop: one header row. A phone (≤ 640 px, members in the field): the navigation moves into a drawer
 * behind a menu button, the header wraps, search takes its own row, the organisation name gives way, and
 * wide tables scroll inside their card instead of widening the page (a page wider than the screen zooms
 * out and misplaces taps). Selectors name antd's own class too, to outrank its generated styles.
 */
const STYLES = `
.ant-layout-header.app-header { display: flex; flex-wrap: wrap; align-items: center; gap: 0 24px; height: auto; min-height: 64px; background: #8e1515; padding-inline: 24px; }
.app-header .app-search { width: 240px; flex-shrink: 0; }
.ant-layout-content.app-content { padding: 24px; max-width: 1200px; width: 100%; margin: 0 auto; box-sizing: border-box; overflow-wrap: break-word; }
.app-header nav .ant-menu { flex-wrap: wrap; }
.app-header .app-menu-button.ant-btn { display: none; }
/* The keyboard's place is blue, never the red that marks errors. */
.app-shell a:focus-visible, .app-shell button:focus-visible, .app-shell [tabindex]:focus-visible, .app-shell li:focus-visible { outline: 2px solid #1d4ed8; outline-offset: 2px; }
.skip-link { position: absolute; left: 8px; top: -48px; z-index: 1000; padding: 8px 12px; background: #fff; color: #1d4ed8; border-radius: 4px; }
.skip-link:focus { top: 8px; }
/* Read by screen readers, not shown: a column of buttons still needs a header to name it (axe empty-table-header). */
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip-path: inset(50%); white-space: nowrap; border: 0; }
@media (max-width: 640px) {
  .app-header .app-nav { display: none; }
  .app-header .app-menu-button.ant-btn { display: inline-flex; }
  /* Sideways only: with overflow-x set, a 1 px border made the box scroll vertically too (axe). */
  .app-content .ant-table-container { overflow-x: auto; overflow-y: hidden; }
  .app-content .ant-form-inline .ant-form-item { max-width: 100%; margin-inline-end: 0; }
  .app-content .ant-form-inline .ant-form-item .ant-select { max-width: calc(100vw - 48px); }
  .ant-layout-header.app-header { line-height: 40px; padding: 4px 12px 8px; gap: 0 12px; }
  .app-header .app-search { order: 10; width: 100%; }
  .app-header .app-org { display: none; }
  .ant-layout-content.app-content { padding: 12px; }
  .app-content .ant-table-container table { min-width: 600px; }
}
`;

/** The frame of every signed-in page: who you are, where you can go, language and logout. */
export function AppShell({ user, children }: { user: ShellUser; children: ReactNode }) {
  const t = useT();
  const locale = useLocale();
  const { pathname } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [pathname]);
  // The navigation, once: the header's menu on a desktop and the drawer's on a phone show this list.
  // `key` is the area a page belongs to (it marks the menu item), `to` where the item leads.
  const areas = [
    { key: '/', to: '/', label: 'nav.home' },
    { key: '/workspaces', to: '/workspaces', label: 'nav.workspaces' },
    ...(user.may.drafts ? [{ key: '/drafts', to: '/drafts', label: 'nav.drafts' }] : []),
    { key: '/proposals', to: '/proposals', label: 'nav.proposals' },
    { key: '/inspections', to: '/inspections', label: 'nav.inspections' },
    { key: '/calendar', to: '/calendar', label: 'nav.calendar' },
    ...(user.may.admin ? [{ key: '/admin', to: '/admin/users', label: 'nav.admin' }] : []),
  ];
  const items = areas.map((a) => ({ key: a.key, label: <Link to={a.to}>{t(a.label)}</Link> }));
  const selected = areas.map((a) => a.key).filter((k) => (k === '/' ? pathname === '/' : pathname.startsWith(k)));
  useSessionChanges();
  useScrollableTables(t('nav.scrollingTable'));
  useFocusRescue();
  const onlineOnly = useOnlineSubmitHandler();
  useIndexMarkerDropped();
  // The navigation's pages, the bell's, and the records' pages opened from them and from notifications
  // (a proposal, an event…; any id stands for all), ready to say so when opened without the network.
  // A draft's only fetched: its editor is most of the app's code, too much to compile on every page load.
  usePreloadPages([
    ...areas.map((a) => a.to), '/notifications', '/workspaces/_', '/notices/_', '/proposals/_', '/inspections/_', '/events/_',
  ], ['/drafts/_']);

  return (
    <Layout className="app-shell" style={{ minHeight: '100vh' }}>
      <InlineStyle css={STYLES} />
      <a className="skip-link" href="#main">{t('nav.skipToContent')}</a>
      <Layout.Header className="app-header">
        <Button className="app-menu-button" type="text" icon={<MenuOutlined aria-hidden="true" />} aria-label={t('nav.menu')}
          aria-haspopup="dialog" aria-expanded={menuOpen} onClick={() => setMenuOpen(true)} data-testid="nav-menu-button"
          style={{ color: '#fff' }} />
        <Link to="/" style={{ color: '#fff', fontWeight: 600, fontSize: 16, whiteSpace: 'nowrap' }}>{t('app.title')}</Link>
        <nav className="app-nav" aria-label={t('nav.label')} style={{ flex: 1, minWidth: 0 }}>
          {/* No overflow menu: its hidden items stay focusable (axe), and on a phone it hid the rest. Items wrap instead.
              tabIndex -1: the items are links, each a tab stop; the list itself was one more, doing nothing. */}
          <Menu theme="dark" mode="horizontal" disabledOverflow selectedKeys={selected} items={items} tabIndex={-1}
            style={{ background: 'transparent', borderBottom: 'none' }} />
        </nav>
        <AppDrawer open={menuOpen} onClose={() => setMenuOpen(false)} placement="left" size={280} title={t('nav.menu')}>
          <nav aria-label={t('nav.label')}>
            <Menu mode="inline" selectedKeys={selected} items={items} tabIndex={-1} onClick={() => setMenuOpen(false)}
              style={{ borderInlineEnd: 'none' }} />
          </nav>
        </AppDrawer>
        <SearchBox />
        <Space size="middle" style={{ color: '#fff' }}>
          <NotificationBell />
          <Link to={`/users/${user.id}`} data-testid="current-user" title={t('profile.mine')} style={{ color: '#fff' }}>
            <Typography.Text strong style={{ color: '#fff' }}>{user.displayName}</Typography.Text>
            <span className="app-org" style={{ marginInline: 8, opacity: 0.85 }}>{user.orgName}</span>
            <RegionTag region={user.region} />
          </Link>
          <RemixForm method="post" action="/lang" style={{ display: 'inline' }} onSubmit={onlineOnly}>
            <input type="hidden" name="locale" value={locale === 'en' ? 'zh-CN' : 'en'} />
            <Button size="small" htmlType="submit" ghost aria-label={t('nav.switchLanguage')}>
              {locale === 'en' ? '中文' : 'English'}
            </Button>
          </RemixForm>
          <RemixForm method="post" action="/logout" style={{ display: 'inline' }} onSubmit={onlineOnly}>
            <Button size="small" htmlType="submit" ghost>{t('nav.logout')}</Button>
          </RemixForm>
        </Space>
      </Layout.Header>
      <Layout.Content className="app-content" id="main" tabIndex={-1}>
        {children}
      </Layout.Content>
    </Layout>
  );
}

