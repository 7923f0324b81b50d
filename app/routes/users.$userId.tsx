import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Card, Descriptions, Space, Tag, Typography } from 'antd';
import { getProfile } from '../../server/services/users';
import { translate, type Locale } from '../../shared/i18n';
import { guard, requireId, requireUser } from '../lib/session.server';
import { useT } from '../lib/i18n';
import { RegionTag } from '../components/RegionTag';

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const locale = ((matches.find((m) => m.id === 'root')?.data as { locale?: Locale } | undefined)?.locale) ?? 'zh-CN';
  return [{ title: `${data?.user.displayName ?? ''} · ${translate(locale, 'app.title')}` }];
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.userId);
  return guard(() => getProfile(context.db, user, id));
}

/** 个人主页: who someone is, for everyone; their personal details only inside their region. */
export default function Profile() {
  const { user, personal, canManage } = useLoaderData<typeof loader>();
  const t = useT();
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
    </Space>
  );
}
