import type { LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData, useNavigate, useSearchParams } from '@remix-run/react';
import { Button, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { listUsers } from '../../server/services/users';
import { ROLES, type Role } from '../../shared/domain/model';
import { userListFilterSchema } from '../../shared/validation/schemas';
import { guard, requireUser } from '../lib/session.server';
import { useT } from '../lib/i18n';


export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  // Forgiving: the schema turns what it cannot read into "no filter", so parsing never fails.
  const filter = userListFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { users, orgs } = await guard(() => listUsers(context.db, user, filter));
  return { users, orgs, filter };
}

/** Active is a plain tag; disabled is solid dark grey (antd's light preset colours fail contrast). */
function StatusTag({ status }: { status: string }) {
  const t = useT();
  return <Tag color={status === 'disabled' ? '#595959' : undefined}>{t(`admin.user.status.${status}`)}</Tag>;
}

/** 用户: the users of the admin's own region, searchable by name and filterable by org and role. */
export default function AdminUsers() {
  const { users, orgs, filter } = useLoaderData<typeof loader>();
  const [, setParams] = useSearchParams();
  const t = useT();
  const [form] = Form.useForm();
  const navigate = useNavigate();

  const apply = (values: { q?: string; orgId?: string; role?: string }) => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(values)) if (v) next.set(k, v);
    setParams(next);
  };

  return (
    <section aria-labelledby="users-title">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={2} id="users-title" style={{ fontSize: 18, margin: 0 }}>{t('admin.users.title')}</Typography.Title>
        <Button type="primary" href="/admin/users/new"
          onClick={(e) => { e.preventDefault(); navigate('/admin/users/new'); }}>{t('admin.users.new')}</Button>
      </Space>
      <Form form={form} layout="inline" initialValues={filter} onFinish={apply} style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item name="q" label={t('admin.users.search')}>
          <Input allowClear style={{ width: 180 }} />
        </Form.Item>
        <Form.Item name="orgId" label={t('admin.users.org')}>
          <Select allowClear style={{ width: 200 }} placeholder={t('admin.all')}
            options={orgs.map((o) => ({ value: o.id, label: o.name }))} />
        </Form.Item>
        <Form.Item name="role" label={t('admin.users.role')}>
          <Select allowClear style={{ width: 140 }} placeholder={t('admin.all')}
            options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button htmlType="submit">{t('admin.filter')}</Button>
            <Button onClick={() => { form.setFieldsValue({ q: undefined, orgId: undefined, role: undefined }); apply({}); }}>
              {t('admin.clearFilter')}
            </Button>
          </Space>
        </Form.Item>
      </Form>
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
    </section>
  );
}
