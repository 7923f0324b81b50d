import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Badge, Card, Col, Empty, Row, Space, Typography } from 'antd';
import { getHome } from '../../server/services/workspaces';
import { requireUser } from '../lib/session.server';
import { formatDate } from '../../shared/format/datetime';
import { pageTitle, useLocale, useT } from '../lib/i18n';
import { RegionTag } from '../components/RegionTag';
import { VisibilityTag } from '../components/VisibilityTag';
import { useLiveRevalidation } from '../realtime/hooks';

export const meta: MetaFunction = (args) => pageTitle(args, 'nav.home');

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return getHome(context.db, user);
}

/** 工作台: my workspaces and the latest notices that concern me. */
export default function Home() {
  const { workspaces, latestNotices } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  useLiveRevalidation((e) => e.type === 'record:changed' && workspaces.some((w) => w.id === e.workspaceId));
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>{t('home.title')}</Typography.Title>
      <section aria-labelledby="my-workspaces">
        <Typography.Title level={2} id="my-workspaces" style={{ fontSize: 18 }}>{t('home.myWorkspaces')}</Typography.Title>
        {workspaces.length === 0 ? <Empty description={t('home.noWorkspaces')} /> : (
          <Row gutter={[16, 16]}>
            {workspaces.map((w) => (
              <Col key={w.id} xs={24} md={12} lg={8}>
                <Card title={<Link to={`/workspaces/${w.id}`}>{w.name}</Link>} size="small"
                  extra={w.recentNotices > 0 ? <Badge count={w.recentNotices} title={t('home.newNotices', { n: w.recentNotices })} /> : null}>
                  <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }}>{w.description}</Typography.Paragraph>
                  <Space wrap size={4}>
                    {w.regions.map((r) => <RegionTag key={r} region={r} />)}
                    <Typography.Text type="secondary">{t('home.members', { n: w.memberCount ?? 0 })}</Typography.Text>
                    {w.role === 'coordinator' && <Typography.Text strong>{t('workspace.roleCoordinator')}</Typography.Text>}
                  </Space>
                </Card>
              </Col>
            ))}
          </Row>
        )}
      </section>
      <section aria-labelledby="latest-notices">
        <Typography.Title level={2} id="latest-notices" style={{ fontSize: 18 }}>{t('home.latestNotices')}</Typography.Title>
        <Card size="small">
          {latestNotices.length === 0 ? <Empty description={t('home.noNotices')} /> : (
            <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
              {latestNotices.map((n) => (
                <li key={n.id} data-testid="notice-item" style={{ padding: '10px 0', borderBottom: '1px solid #f0f0f0' }}>
                  <Link to={`/notices/${n.id}`} style={{ fontWeight: 500 }}>{n.title}</Link>
                  <div style={{ marginTop: 4, color: 'rgba(0,0,0,0.65)' }}>
                    <Space wrap size={4}>
                      <VisibilityTag visibility={n.visibility} regions={n.workspaceRegions} />
                      <span>{n.workspaceName}</span>·<span>{n.ownerOrgName}</span>·<span>{n.authorName}</span>·
                      <time dateTime={new Date(n.createdAt).toISOString()}>{formatDate(n.createdAt, locale)}</time>
                    </Space>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </section>
    </Space>
  );
}
