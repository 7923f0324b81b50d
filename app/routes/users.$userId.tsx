import { useEffect } from 'react';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { App, Button, Card, Descriptions, Form, Input, Space, Tag, Typography } from 'antd';
import { changeOwnPassword, getProfile, updateOwnContact } from '../../server/services/users';
import { ownContactSchema, passwordChangeSchema } from '../../shared/validation/schemas';
import { callContext, guard, requireId, requireUser } from '../lib/session.server';
import { badRequest, readInput, readIntent, submitForm } from '../lib/input.server';
import { pageTitle, useT } from '../lib/i18n';
import { AppForm } from '../components/AppForm';
import { RegionTag } from '../components/RegionTag';
import { FeedCard } from '../components/calendar/FeedCard';
import { feedLink } from '../lib/feed.server';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args, 'profile.mine', args.data?.user.displayName);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.userId);
  const profile = await guard(() => getProfile(context.db, user, id));
  return { ...profile, feed: profile.isSelf ? await feedLink(request, context, user) : null };
}

/** On one's own page only: one's contact details and password. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  if (requireId(params.userId) !== user.id) throw new Response('forbidden', { status: 403 });
  const input = await readInput(request);
  const intent = readIntent(input, ['contact', 'password']);
  const call = callContext(context);
  switch (intent) {
    case 'contact': return submitForm(intent, ownContactSchema, input, (v) => updateOwnContact(context.db, user, v, call), 'profile.contactSaved');
    case 'password': return submitForm(intent, passwordChangeSchema, input, (v) => changeOwnPassword(context.db, user, v, call), 'profile.passwordChanged');
    default: return badRequest({ _form: 'validation.invalid' });
  }
}

/** 个人主页: who someone is, for everyone; their personal details only inside their region. */
export default function Profile() {
  const { user, personal, canManage, isSelf, feed } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const { message } = App.useApp();
  const t = useT();
  useEffect(() => {
    if (result?.ok && result.message) message.success(t(result.message));
  }, [result]);
  const orNone = (v: string | null) => v || <Typography.Text type="secondary">{t('profile.notProvided')}</Typography.Text>;
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Space wrap align="center">
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>{user.displayName}</Typography.Title>
        {user.status === 'disabled' && <Tag color="#595959">{t('admin.user.status.disabled')}</Tag>}
        {canManage && <Link to={`/admin/users/${user.id}`}>{t('profile.edit')}</Link>}
      </Space>
      <Card>
        <Descriptions column={1} size="small" items={[
          { key: 'username', label: t('profile.username'), children: user.username },
          { key: 'org', label: t('profile.org'), children: user.orgName },
          { key: 'region', label: t('profile.region'), children: <RegionTag region={user.region} /> },
          {
            key: 'roles', label: t('profile.roles'),
            children: <Space size={2} wrap>{user.roles.map((r) => <Tag key={r}>{t(`role.${r}`)}</Tag>)}</Space>,
          },
        ]} />
      </Card>
      <section aria-labelledby="personal-title">
        <Typography.Title level={2} id="personal-title" style={{ fontSize: 18 }}>{t('profile.personal')}</Typography.Title>
        <Card>
          {personal ? (
            <Descriptions column={1} size="small" data-testid="personal" items={[
              { key: 'phone', label: t('profile.phone'), children: orNone(personal.phone) },
              { key: 'email', label: t('profile.email'), children: orNone(personal.email) },
              { key: 'address', label: t('profile.address'), children: orNone(personal.address) },
              { key: 'idNumber', label: t('profile.idNumber'), children: orNone(personal.idNumber) },
            ]} />
          ) : (
            <Typography.Text type="secondary">{t('profile.personalHidden')}</Typography.Text>
          )}
        </Card>
      </section>
      {isSelf && personal && (
        <>
          <section aria-labelledby="contact-title">
            <Typography.Title level={2} id="contact-title" style={{ fontSize: 18 }}>{t('profile.contactTitle')}</Typography.Title>
            <Card>
              <Typography.Paragraph type="secondary">{t('profile.contactHint')}</Typography.Paragraph>
              <AppForm schema={ownContactSchema} intent="contact" style={{ maxWidth: 480 }}
                initialValues={{ phone: personal.phone ?? '', email: personal.email ?? '', address: personal.address ?? '' }}>
                <Form.Item name="phone" label={t('profile.phone')}><Input autoComplete="tel" inputMode="tel" /></Form.Item>
                <Form.Item name="email" label={t('profile.email')}><Input autoComplete="email" inputMode="email" /></Form.Item>
                <Form.Item name="address" label={t('profile.address')}><Input autoComplete="street-address" /></Form.Item>
                <Button htmlType="submit" loading={busy} data-testid="save-contact">{t('profile.saveContact')}</Button>
              </AppForm>
            </Card>
          </section>
          <section aria-labelledby="password-title">
            <Typography.Title level={2} id="password-title" style={{ fontSize: 18 }}>{t('profile.passwordTitle')}</Typography.Title>
            <Card>
              <Typography.Paragraph type="secondary">{t('profile.passwordHint')}</Typography.Paragraph>
              <AppForm schema={passwordChangeSchema} intent="password" resetOnSuccess style={{ maxWidth: 360 }}>
                <Form.Item name="current" label={t('profile.currentPassword')}><Input.Password autoComplete="current-password" /></Form.Item>
                <Form.Item name="password" label={t('profile.newPassword')}><Input.Password autoComplete="new-password" /></Form.Item>
                <Button htmlType="submit" loading={busy} data-testid="change-password">{t('profile.changePassword')}</Button>
              </AppForm>
            </Card>
          </section>
        </>
      )}
      {isSelf && <section aria-label={t('calendar.feed')}><FeedCard feed={feed} /></section>}
    </Space>
  );
}
