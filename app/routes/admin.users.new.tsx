import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Button, Card, Checkbox, Col, Form, Input, Row, Select, Space, Typography } from 'antd';
import { createUser, getUserFormOptions } from '../../server/services/users';
import { ROLES } from '../../shared/domain/model';
import { userCreateSchema } from '../../shared/validation/schemas';
import { callContext, guard, requireUser } from '../lib/session.server';
import { requireAdmin } from '../lib/records.server';
import { readInput, submitForm } from '../lib/input.server';
import { AppForm } from '../components/AppForm';
import { useT } from '../lib/i18n';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return guard(() => getUserFormOptions(context.db, user));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  await requireAdmin(user);
  return submitForm(undefined, userCreateSchema, await readInput(request), async (values) => {
    const id = await createUser(context.db, user, values, callContext(context));
    throw redirect(`/admin/users/${id}`);
  });
}

type OrgOption = { id: string; name: string; kind: string };

/** The fields the create and edit forms share: who the person is, where, with which roles, and contacts. */
export function UserFields({ orgs }: { orgs: OrgOption[] }) {
  const t = useT();
  return (
    <>
      <Form.Item name="displayName" label={t('admin.user.displayName')}>
        <Input autoComplete="off" />
      </Form.Item>
      <Form.Item name="orgId" label={t('admin.user.org')}>
        <Select showSearch optionFilterProp="label"
          options={[
            { label: t('admin.org.kind.committee'), options: orgs.filter((o) => o.kind === 'committee').map((o) => ({ value: o.id, label: o.name })) },
            { label: t('admin.org.kind.unit'), options: orgs.filter((o) => o.kind === 'unit').map((o) => ({ value: o.id, label: o.name })) },
          ]} />
      </Form.Item>
      <Form.Item name="roles" label={t('admin.user.roles')}>
        <Checkbox.Group options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
      </Form.Item>
      <Typography.Title level={3} style={{ fontSize: 15 }}>{t('admin.user.contact')}</Typography.Title>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name="phone" label={t('admin.user.phone')}><Input autoComplete="off" /></Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="email" label={t('admin.user.email')}><Input autoComplete="off" /></Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="address" label={t('admin.user.address')}><Input autoComplete="off" /></Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="idNumber" label={t('admin.user.idNumber')}><Input autoComplete="off" /></Form.Item>
        </Col>
      </Row>
    </>
  );
}

/** 新建用户: a person of the admin's own region, with an initial password. */
export default function NewUser() {
  const { orgs } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <section aria-labelledby="new-user-title">
      <Typography.Title level={2} id="new-user-title" style={{ fontSize: 18 }}>{t('admin.users.new')}</Typography.Title>
      <Card>
        <AppForm schema={userCreateSchema} initialValues={{ roles: ['member'] }} style={{ maxWidth: 720 }}>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item name="username" label={t('admin.user.username')}><Input autoComplete="off" /></Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="password" label={t('admin.user.initialPassword')}>
                <Input.Password autoComplete="new-password" />
              </Form.Item>
            </Col>
          </Row>
          <UserFields orgs={orgs} />
          <Space>
            <Button type="primary" htmlType="submit">{t('admin.user.create')}</Button>
            <Link to="/admin/users">{t('admin.cancel')}</Link>
          </Space>
        </AppForm>
      </Card>
    </section>
  );
}
