import { useEffect } from 'react';
import { z } from 'zod';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useSubmitOnline } from '../lib/submit';
import { Alert, App, Button, Card, Descriptions, Form, Input, Space, Tag, Typography } from 'antd';
import { getManagedUser, resetPassword, setStatus, updateUser } from '../../server/services/users';
import { passwordResetSchema, userUpdateSchema } from '../../shared/validation/schemas';
import { callContext, guard, requireId, requireUser } from '../lib/session.server';
import { requireAdmin } from '../lib/records.server';
import { badRequest, readInput, readIntent, submitForm } from '../lib/input.server';
import { AppForm } from '../components/AppForm';
import { useT } from '../lib/i18n';
import { UserFields } from './admin.users.new';
import { Confirm } from '../components/Confirm';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.userId);
  return guard(() => getManagedUser(context.db, user, id));
}

const statusSchema = z.object({});

/** One route, several forms: `intent` says which, and is read before the rest is parsed. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  await requireAdmin(user);
  const id = requireId(params.userId);
  const input = await readInput(request);
  const intent = readIntent(input, ['update', 'disable', 'enable', 'password']);
  const call = callContext(context);
  switch (intent) {
    case 'update':
      return submitForm(intent, userUpdateSchema, input, (v) => updateUser(context.db, user, id, v, call), 'admin.saved');
    case 'disable':
    case 'enable':
      return submitForm(intent, statusSchema, input, () => setStatus(context.db, user, id, intent === 'disable' ? 'disabled' : 'active', call),
        intent === 'disable' ? 'admin.user.disabledOk' : 'admin.user.enabledOk');
    case 'password':
      return submitForm(intent, passwordResetSchema, input, (v) => resetPassword(context.db, user, id, v.password, call), 'admin.user.passwordResetOk');
    default:
      return badRequest({ _form: 'validation.invalid' });
  }
}

/** Active is a plain tag; disabled is solid dark grey (antd's light preset colours fail contrast). */
function StatusTag({ status }: { status: string }) {
  const t = useT();
  return <Tag color={status === 'disabled' ? '#595959' : undefined}>{t(`admin.user.status.${status}`)}</Tag>;
}

/** 编辑用户: details and roles, account status (disabling ends their sessions), password reset. */
export default function EditUser() {
  const { user, contact, orgs, isSelf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmitOnline();
  const busy = useNavigation().state !== 'idle';
  const { message } = App.useApp();
  const t = useT();

  useEffect(() => {
    if (result?.ok) message.success(t(result.message ?? 'admin.saved'));
  }, [result]);

  const formError = result && !result.ok ? result.errors._form : undefined;
  const disabled = user.status === 'disabled';

  return (
    <section aria-labelledby="user-title">
      <Space style={{ marginBottom: 16 }} wrap>
        <Typography.Title level={2} id="user-title" style={{ fontSize: 18, margin: 0 }}>{user.displayName}</Typography.Title>
        <StatusTag status={user.status} />
        <Link to={`/users/${user.id}`}>{t('admin.user.profile')}</Link>
      </Space>
      {formError && <Alert type="error" showIcon role="alert" title={t(formError)} style={{ marginBottom: 16 }} />}
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Card title={<Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>{t('admin.user.basic')}</Typography.Title>}>
          <Descriptions size="small" column={1} style={{ marginBottom: 16 }}
            items={[{ key: 'username', label: t('admin.user.username'), children: user.username }]} />
          <AppForm key={`${user.id}-${user.orgId}-${user.roles.join()}`} schema={userUpdateSchema} intent="update" style={{ maxWidth: 720 }}
            initialValues={{
              displayName: user.displayName, orgId: user.orgId, roles: user.roles,
              phone: contact.phone ?? undefined, email: contact.email ?? undefined,
              address: contact.address ?? undefined, idNumber: contact.idNumber ?? undefined,
            }}>
            <UserFields orgs={orgs} />
            <Button type="primary" htmlType="submit" loading={busy}>{t('admin.save')}</Button>
          </AppForm>
        </Card>
        <Card title={<Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>{t('admin.user.account')}</Typography.Title>}>
          {disabled ? (
            <Button onClick={() => submit({ intent: 'enable' }, { method: 'post', encType: 'application/json' })} loading={busy}>
              {t('admin.user.enable')}
            </Button>
          ) : isSelf ? (
            <Typography.Text type="secondary">{t('admin.user.cannotDisableSelfHint')}</Typography.Text>
          ) : (
            <Confirm title={t('admin.user.disableConfirm')}
              onConfirm={() => submit({ intent: 'disable' }, { method: 'post', encType: 'application/json' })}>
              <Button loading={busy}>{t('admin.user.disable')}</Button>
            </Confirm>
          )}
        </Card>
        <Card title={<Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>{t('admin.user.resetPassword')}</Typography.Title>}>
          <Typography.Paragraph type="secondary">{t('admin.user.resetHint')}</Typography.Paragraph>
          <AppForm schema={passwordResetSchema} intent="password" resetOnSuccess style={{ maxWidth: 360 }}>
            <Form.Item name="password" label={t('admin.user.newPassword')}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Button htmlType="submit" loading={busy}>{t('admin.user.resetPassword')}</Button>
          </AppForm>
        </Card>
      </Space>
    </section>
  );
}
