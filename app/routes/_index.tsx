import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Badge, Card, Col, Empty, Row, Space, Tag, Typography } from 'antd';
import { beijingDay } from '../../shared/domain/calendar';
import { getHome } from '../../server/services/home';
import { requireUser } from '../lib/session.server';
import { formatDate, formatDateTime } from '../../shared/format/datetime';
import { auditActionLabel, auditTargetLabel } from '../../shared/i18n/labels';
import { pageTitle, useLocale, useT } from '../lib/i18n';
import { RegionTag } from '../components/RegionTag';
import { VisibilityTag } from '../components/VisibilityTag';
import { useLiveRevalidation } from '../realtime/hooks';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction = (args) => pageTitle(args, 'nav.home');

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return getHome(context.db, user);
}

type HomeData = Awaited<ReturnType<typeof loader>>;

function NoticeList({ notices }: { notices: HomeData['latestNotices'] }) {
  const locale = useLocale();
  return (
    <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {notices.map((n) => (
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
  );
}

/** One thing the administrator looks after: how much of it there is, and the way to it. */
function Tally({ to, title, value, detail, testId }: { to: string; title: string; value: number; detail: string; testId: string }) {
  return (
    <Col xs={24} md={8}>
      <Card size="small" title={<Link to={to}>{title}</Link>} data-testid={testId}>
        <Typography.Text strong style={{ fontSize: 24 }}>{value}</Typography.Text>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{detail}</Typography.Paragraph>
      </Card>
    </Col>
  );
}

/** 本省市管理概览: the administrator's region in numbers, and what was done last. */
function RegionOverview({ overview }: { overview: NonNullable<HomeData['overview']> }) {
  const t = useT();
  const locale = useLocale();
  const { users, orgs, workspaces, audit } = overview;
  return (
    <section aria-labelledby="region-overview" data-testid="region-overview">
      <Typography.Title level={2} id="region-overview" style={{ fontSize: 18 }}>{t('home.overview')}</Typography.Title>
      <Row gutter={[16, 16]}>
        {users && <Tally to="/admin/users" title={t('admin.tab.users')} value={users.active + users.disabled}
          detail={t('home.usersCount', { active: users.active, disabled: users.disabled })} testId="overview-users" />}
        {orgs && <Tally to="/admin/orgs" title={t('admin.tab.orgs')} value={orgs.committees + orgs.units}
          detail={t('home.orgsCount', { committees: orgs.committees, units: orgs.units })} testId="overview-orgs" />}
        {workspaces !== null && <Tally to="/admin/workspaces" title={t('admin.tab.workspaces')} value={workspaces}
          detail={t('home.workspacesCount')} testId="overview-workspaces" />}
      </Row>
      {audit && (
        <Card size="small" style={{ marginTop: 16 }} data-testid="recent-audit"
          title={t('home.recentAudit')} extra={<Link to="/admin/audit">{t('home.auditAll', { n: audit.total })}</Link>}>
          {audit.recent.length === 0 ? <Empty description={t('admin.audit.empty')} /> : (
            <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
              {audit.recent.map((e) => (
                <li key={e.id} data-testid="audit-entry" style={{ padding: '6px 0', borderBottom: '1px solid #f0f0f0' }}>
                  <Space wrap size={8}>
                    <time dateTime={new Date(e.at).toISOString()}>{formatDateTime(e.at, locale)}</time>
                    <span>{e.actorName ?? t('admin.audit.system')}</span>
                    <Typography.Text strong>{auditActionLabel(t, e.action)}</Typography.Text>
                    {auditTargetLabel(t, e) && <span>{auditTargetLabel(t, e)}</span>}
                  </Space>
                </li>
              ))}
            </ul>
          )}
        </Card>
      )}
    </section>
  );
}

/**
 * 工作台: what each person has to do. Members: their workspaces and the latest notices that concern
 * them. A handling unit: what is assigned to it. An administrator also: their region at a glance.
 */
export default function Home() {
  const { handlesAssignments, assignments, workspaces, latestNotices, overview } = useLoaderData<typeof loader>();
  const today = beijingDay(new Date());
  const t = useT();
  // Proposals show here only as a unit's assignments.
  useLiveRevalidation((e) => e.type === 'record:changed'
    && (e.kind === 'proposal' ? handlesAssignments : workspaces.some((w) => w.id === e.workspaceId)));
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>{t('home.title')}</Typography.Title>
      {overview && <RegionOverview overview={overview} />}
      {handlesAssignments ? (
        <section aria-labelledby="assigned" data-testid="assigned">
          <Typography.Title level={2} id="assigned" style={{ fontSize: 18 }}>{t('home.assigned')}</Typography.Title>
          <Typography.Paragraph type="secondary">{t('home.assignedHelp')}</Typography.Paragraph>
          <Card size="small">
            {assignments.length === 0 ? (
              <Empty description={t('home.noAssigned')}>
                <Link to="/notifications">{t('home.toNotifications')}</Link>
              </Empty>
            ) : (
              <ul style={{ listStyle: 'none', margin: 0, padding: 0 }} data-testid="assignment-list">
                {assignments.map((a) => (
                  <li key={`${a.id}-${a.role}`} style={{ padding: '6px 0', borderBottom: '1px solid #f0f0f0' }}>
                    <Space wrap size={[8, 4]}>
                      <Link to={`/proposals/${a.id}`}>{a.title}</Link>
                      <Typography.Text type="secondary">{a.number}</Typography.Text>
                      <Tag>{t(`proposal.unitRole.${a.role}`)}</Tag>
                      <Tag color={a.deadline < today ? 'error' : 'default'}>
                        {a.deadline < today ? t('proposal.overdue') : `${t('proposal.deadline')} ${a.deadline}`}
                      </Tag>
                    </Space>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </section>
      ) : (
        <>
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
              {latestNotices.length === 0 ? <Empty description={t('home.noNotices')} /> : <NoticeList notices={latestNotices} />}
            </Card>
          </section>
        </>
      )}
    </Space>
  );
}
