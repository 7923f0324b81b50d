import { useEffect, useState } from 'react';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { App, Button, Card, Col, Form, Input, Modal, Radio, Row, Select, Space, Table, Typography } from 'antd';
import { createOrg, listOrgs, renameOrg, type OrgNode } from '../../server/services/orgs';
import { ORG_LEVELS } from '../../shared/domain/model';
import { orgSchema } from '../../shared/validation/schemas';
import { callContext, guard, requireId, requireUser } from '../lib/session.server';
import { requireAdmin } from '../lib/records.server';
import { badRequest, readInput, readIntent, submitForm } from '../lib/input.server';
import { AppForm } from '../components/AppForm';
import { useT } from '../lib/i18n';
import { useClearable } from '../components/clearable';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

const renameSchema = orgSchema.pick({ name: true });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return guard(() => listOrgs(context.db, user));
}

/** Create and rename share the route: `intent` says which. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  await requireAdmin(user);
  const input = await readInput(request);
  const intent = readIntent(input, ['create', 'rename']);
  const call = callContext(context);
  switch (intent) {
    case 'create':
      return submitForm(intent, orgSchema, input, (v) => createOrg(context.db, user, v, call), 'admin.org.created');
    case 'rename': {
      const id = requireId(typeof input.id === 'string' ? input.id : undefined);
      return submitForm(intent, renameSchema, input, (v) => renameOrg(context.db, user, id, v.name, call), 'admin.org.renamed');
    }
    default:
      return badRequest({ _form: 'validation.invalid' });
  }
}

/** 委员会与单位: the region's committees as a hierarchy, its handling units, and new ones. */
export default function AdminOrgs() {
  const { committees, units, all } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const { message } = App.useApp();
  const t = useT();
  const clearable = useClearable();
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [createForm] = Form.useForm();
  const kind = Form.useWatch('kind', createForm) ?? 'committee';

  useEffect(() => {
    if (!result?.ok) return;
    message.success(t(result.message ?? 'admin.saved'));
    if (result.intent === 'rename') setRenaming(null);
  }, [result]);

  const levelLabel = (l: string | null) => (l ? t(`admin.org.level.${l}`) : '');
  const renameButton = (o: { id: string; name: string }) => (
    <Button type="link" size="small" onClick={() => setRenaming(o)} aria-label={`${t('admin.org.rename')} ${o.name}`}>
      {t('admin.org.rename')}
    </Button>
  );

  return (
    <section aria-labelledby="orgs-title">
      <Typography.Title level={2} id="orgs-title" style={{ fontSize: 18 }}>{t('admin.orgs.title')}</Typography.Title>
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Card title={<Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>{t('admin.orgs.committees')}</Typography.Title>}>
          <Table<OrgNode>
            rowKey="id" size="small" pagination={false} dataSource={committees}
            expandable={{ defaultExpandAllRows: true }}
            columns={[
              { title: t('admin.org.name'), dataIndex: 'name' },
              { title: t('admin.org.level'), dataIndex: 'level', render: levelLabel },
              { title: t('admin.actions'), key: 'actions', render: (_, o) => renameButton(o) },
            ]}
          />
        </Card>
        <Card title={<Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>{t('admin.orgs.units')}</Typography.Title>}>
          <Table
            rowKey="id" size="small" pagination={false} dataSource={units}
            locale={{ emptyText: t('admin.orgs.noUnits') }}
            columns={[
              { title: t('admin.org.name'), dataIndex: 'name' },
              { title: t('admin.actions'), key: 'actions', render: (_, o) => renameButton(o) },
            ]}
          />
        </Card>
        <Card title={<Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>{t('admin.orgs.new')}</Typography.Title>}>
          <AppForm schema={orgSchema} intent="create" form={createForm} resetOnSuccess style={{ maxWidth: 720 }}
            initialValues={{ kind: 'committee', level: 'district' }}>
            <Row gutter={16}>
              <Col xs={24} md={12}>
                <Form.Item name="name" label={t('admin.org.name')}><Input autoComplete="off" /></Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name="kind" label={t('admin.org.kind')}>
                  <Radio.Group aria-label={t('admin.org.kind')} options={[
                    { value: 'committee', label: t('admin.org.kind.committee') },
                    { value: 'unit', label: t('admin.org.kind.unit') },
                  ]} />
                </Form.Item>
              </Col>
              {kind === 'committee' && (
                <>
                  <Col xs={24} md={12}>
                    <Form.Item name="level" label={t('admin.org.level')}>
                      <Select options={ORG_LEVELS.map((l) => ({ value: l, label: levelLabel(l) }))} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item name="parentId" label={t('admin.org.parent')}>
                      <Select allowClear={clearable} placeholder={t('admin.org.noParent')}
                        options={all.filter((o) => o.kind === 'committee' && o.level !== 'district')
                          .map((o) => ({ value: o.id, label: o.name }))} />
                    </Form.Item>
                  </Col>
                </>
              )}
            </Row>
            <Button type="primary" htmlType="submit" loading={busy}>{t('admin.org.create')}</Button>
          </AppForm>
        </Card>
      </Space>
      <Modal open={!!renaming} title={renaming ? t('admin.org.renameTitle', { name: renaming.name }) : ''}
        onCancel={() => setRenaming(null)} footer={null} destroyOnHidden>
        {renaming && (
          <AppForm schema={renameSchema} intent="rename" initialValues={{ id: renaming.id, name: renaming.name }}>
            <Form.Item name="id" hidden><Input /></Form.Item>
            <Form.Item name="name" label={t('admin.org.name')}><Input autoComplete="off" /></Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" loading={busy}>{t('admin.save')}</Button>
              <Button onClick={() => setRenaming(null)}>{t('admin.cancel')}</Button>
            </Space>
          </AppForm>
        )}
      </Modal>
    </section>
  );
}
