import { data, type LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData, useNavigate } from '@remix-run/react';
import { Button, Space, Table, Tag, Typography } from 'antd';
import { listUsers } from '../../server/services/users';
import { ROLES, type Role } from '../../shared/domain/model';
import { userListFilterSchema } from '../../shared/validation/schemas';
import { parseWith, type FieldErrors } from '../../shared/validation/parse';
import { guard, requireUser } from '../lib/session.server';
import { useT } from '../lib/i18n';
import { FilterBar, FilterChoice, FilterText } from '../components/FilterBar';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

const FILTERS = ['q', 'orgId', 'role'] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const parsed = parseWith(userListFilterSchema, Object.fromEntries(new URL(request.url).searchParams));
  // A malformed filter (an org id that is not one, an unknown role) is a 400 with the field named, never a 500.
  if (!parsed.ok) return data({ users: [], orgs: [], errors: parsed.errors as FieldErrors }, { status: 400 });
  const result = await guard(() => listUsers(context.db, user, parsed.data));
  return data({ ...result, errors: {} as FieldErrors });
}

/** Active is a plain tag; disabled is solid dark grey (antd's light preset colours fail contrast). */
function StatusTag({ status }: { status: string }) {
  const t = useT();
  return <Tag color={status === 'disabled' ? '#595959' : undefined}>{t(`admin.user.status.${status}`)}</Tag>;
}

/** 用户: the users of the admin's own region, searchable by name and filterable by org and role. */
export default function AdminUsers() {
  const { users, orgs, errors } = useLoaderData<typeof loader>();
  const t = useT();
  const navigate = useNavigate();

  return (
    <section aria-labelledby="users-title">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={2} id="users-title" style={{ fontSize: 18, margin: 0 }}>{t('admin.users.title')}</Typography.Title>
        <Button type="primary" href="/admin/users/new"
          onClick={(e) => { e.preventDefault(); navigate('/admin/users/new'); }}>{t('admin.users.new')}</Button>
      </Space>
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <FilterBar label={t('admin.users.filters')} names={FILTERS} errors={errors}>
          <FilterText name="q" label={t('admin.users.search')} maxLength={40} width={200} />
          <FilterChoice name="orgId" label={t('admin.users.org')} placeholder={t('admin.all')}
            options={orgs.map((o) => ({ value: o.id, label: o.name }))} />
          <FilterChoice name="role" label={t('admin.users.role')} placeholder={t('admin.all')} width={140}
            options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
        </FilterBar>
        <Table
          rowKey="id"
          size="small"
          dataSource={users}
          locale={{ emptyText: t('admin.users.empty') }}
          pagination={{ pageSize: 50, hideOnSinglePage: true, showTotal: (n) => t('admin.users.count', { n }) }}
          columns={[
            {
              title: t('admin.user.displayName'), dataIndex: 'displayName',
              render: (name: string, u) => <Link to={`/admin/users/${u.id}`}>{name}</Link>,
            },
            { title: t('admin.user.username'), dataIndex: 'username' },
            { title: t('admin.user.org'), dataIndex: 'orgName' },
            {
              title: t('admin.user.roles'), dataIndex: 'roles',
              render: (roles: Role[]) => <Space size={2} wrap>{roles.map((r) => <Tag key={r}>{t(`role.${r}`)}</Tag>)}</Space>,
            },
            {
              title: t('admin.user.status'), dataIndex: 'status',
              render: (s: string) => <StatusTag status={s} />,
            },
            {
              title: t('admin.actions'), key: 'actions',
              render: (_, u) => (
                <Space size="small">
                  <Link to={`/admin/users/${u.id}`} aria-label={`${t('admin.edit')} ${u.displayName}`}>{t('admin.edit')}</Link>
                  <Link to={`/users/${u.id}`} aria-label={`${t('admin.user.profile')} ${u.displayName}`}>{t('admin.user.profile')}</Link>
                </Space>
              ),
            },
          ]}
        />
      </Space>
    </section>
  );
}
