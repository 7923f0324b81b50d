import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Empty, Space, Table, Tag, Typography } from 'antd';
import { getMyWork } from '../../server/services/inspections';
import { guard, requireUser } from '../lib/session.server';
import { pageTitle, useT } from '../lib/i18n';
import { useLiveRevalidation } from '../realtime/hooks';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction = (args) => pageTitle(args, 'inspection.myTasks');

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return guard(() => getMyWork(context.db, user));
}

/** 我的任务: my tasks across inspections, and the rectification items assigned to my unit. */
export default function MyInspectionWork() {
  const { tasks, items } = useLoaderData<typeof loader>();
  const t = useT();
  useLiveRevalidation((e) => e.type === 'record:changed' && e.kind === 'inspection');
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Link to="/inspections">← {t('inspection.title')}</Link>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>{t('inspection.myTasks')}</Typography.Title>
      <section aria-labelledby="my-tasks">
        <Typography.Title level={2} id="my-tasks" style={{ fontSize: 18 }}>{t('inspection.board')}</Typography.Title>
        {tasks.length === 0 ? <Empty description={t('inspection.noTasks')} /> : (
          <Table rowKey="id" size="small" pagination={false} dataSource={tasks} scroll={{ x: true }} data-testid="my-tasks" columns={[
            { key: 'title', title: t('inspection.task.title'), render: (_, x) => <Link to={`/inspections/${x.inspectionId}?tab=board`}>{x.title}</Link> },
            { key: 'inspection', title: t('inspection.item.inspection'), dataIndex: 'inspectionTitle' },
            { key: 'status', title: t('inspection.status'), render: (_, x) => <Tag>{t(`inspection.task.status.${x.status}`)}</Tag> },
            { key: 'due', title: t('inspection.task.due'), render: (_, x) => x.dueOn ?? '—' },
          ]} />
        )}
      </section>
      {items.length > 0 && (
        <section aria-labelledby="my-items">
          <Typography.Title level={2} id="my-items" style={{ fontSize: 18 }}>{t('inspection.myItems')}</Typography.Title>
          <Table rowKey="id" size="small" pagination={{ pageSize: 20, hideOnSinglePage: true }} dataSource={items} scroll={{ x: true }} data-testid="my-items" columns={[
            { key: 'measure', title: t('inspection.item.measure'), render: (_, r) => <Link to={`/inspections/${r.inspectionId}?tab=items`}>{r.measure}</Link> },
            { key: 'inspection', title: t('inspection.item.inspection'), dataIndex: 'inspectionTitle' },
            { key: 'deadline', title: t('inspection.item.deadline'), render: (_, r) => <>{r.deadline}{r.overdue && <Tag color="red" style={{ marginInlineStart: 6 }}>{t('inspection.item.overdue')}</Tag>}</> },
            { key: 'status', title: t('inspection.status'), render: (_, r) => <Tag>{t(`inspection.item.status.${r.status}`)}</Tag> },
          ]} />
        </section>
      )}
    </Space>
  );
}
