import { useEffect, useState } from 'react';
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useActionData, useFetcher, useLoaderData, useNavigate, useNavigation, useOutlet } from '@remix-run/react';
import { Alert, App, Button, Form, Input, Select, Space, Table, Typography } from 'antd';
import { AppDrawer } from '../components/AppDrawer';
import { listVersions, restoreVersion, saveVersion, type VersionSummary } from '../../server/services/versions';
import {
  COMPARE_CURRENT, VERSION_INTENTS, VERSION_NAME_MAX, versionRestoreSchema, versionSaveSchema,
} from '../../shared/validation/versions';
import { badRequest, readInput, readIntent, submitForm, type ActionResult } from '../lib/input.server';
import { callContext, guard, requireId, requireUser } from '../lib/session.server';
import { requireReadable } from '../lib/records.server';
import { formatDateTime } from '../../shared/format/datetime';
import { pageTitle, useLocale, useT } from '../lib/i18n';
import { AppForm } from '../components/AppForm';
import { RegionTag } from '../components/RegionTag';
import { RESTORE_FETCHER, useRestoreVersion } from '../components/editor/DiffView';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

/**
 * 历史版本: a drawer over the editor (like 草稿设置), so the live editor underneath stays connected and
 * a restore is seen landing in the text at once. Lists the named versions (name, who saved it, their
 * committee and region, when); editors save the current text as a version and restore an old one
 * (a new change: history is never rewritten); everyone who reads the draft opens and compares
 * versions. An open version (the child route) takes the drawer's place, wider.
 */

export const meta: MetaFunction = (args) => pageTitle(args, 'versions.title');

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.draftId);
  return guard(() => listVersions(context.db, user, id));
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.draftId);
  await requireReadable(context, user, 'draft', id);
  const input = await readInput(request);
  const intent = readIntent(input, VERSION_INTENTS);
  const call = callContext(context);
  switch (intent) {
    case 'save':
      return submitForm(intent, versionSaveSchema, input, (v) => saveVersion(context.db, user, id, v, call), 'versions.saved');
    case 'restore':
      return submitForm(intent, versionRestoreSchema, input, (v) => restoreVersion(context.db, user, id, v.versionId, call),
        ({ changed }) => ({ message: changed ? 'versions.restored' : 'versions.restoreUnchanged' }));
    default:
      return badRequest({ _form: 'validation.invalid' });
  }
}

function VersionList({ draftId, versions, canRestore }: { draftId: string; versions: VersionSummary[]; canRestore: boolean }) {
  const t = useT();
  const locale = useLocale();
  const { restore, busy } = useRestoreVersion(draftId);
  return (
    <Table<VersionSummary>
      rowKey="id" size="small" pagination={versions.length > 20 ? { pageSize: 20 } : false} dataSource={versions}
      locale={{ emptyText: t('versions.empty') }} data-testid="versions-table"
      columns={[
        {
          title: t('versions.nameColumn'), key: 'name',
          render: (_, v) => <Link to={v.id} aria-label={t('versions.viewNamed', { name: v.name })}>{v.name}</Link>,
        },
        {
          title: t('versions.authorColumn'), key: 'author',
          render: (_, v) => <span>{v.authorName}（{v.authorOrg}） <RegionTag region={v.authorRegion} /></span>,
        },
        {
          title: t('versions.timeColumn'), key: 'time',
          render: (_, v) => <time dateTime={new Date(v.createdAt).toISOString()}>{formatDateTime(v.createdAt, locale)}</time>,
        },
        {
          title: t('versions.actions'), key: 'actions',
          render: (_, v) => (
            <Space size={4} wrap>
              <Link to={`${v.id}?compare=${COMPARE_CURRENT}`} aria-label={t('versions.compareCurrentNamed', { name: v.name })}
                data-testid="compare-current">{t('versions.compareCurrent')}</Link>
              {canRestore && (
                <Button size="small" type="link" danger disabled={busy} onClick={() => restore(v)}
                  aria-label={t('versions.restoreNamed', { name: v.name })} data-testid="restore-version">
                  {t('versions.restore')}
                </Button>
              )}
            </Space>
          ),
        },
      ]}
    />
  );
}

/** 对比两个版本: from a version to a later version or the current text (the view orders them by time). */
function ComparePicker({ versions }: { versions: VersionSummary[] }) {
  const t = useT();
  const locale = useLocale();
  const navigate = useNavigate();
  const [from, setFrom] = useState<string | undefined>(versions[1]?.id ?? versions[0]?.id);
  const [to, setTo] = useState<string>(versions.length > 1 ? versions[0].id : COMPARE_CURRENT);
  const same = from === to;
  const options = versions.map((v) => ({ value: v.id, label: `${v.name} · ${formatDateTime(v.createdAt, locale)}` }));
  return (
    <Form layout="inline" onFinish={() => { if (from && !same) navigate(`${from}?compare=${to}`); }} style={{ rowGap: 8 }}>
      <Form.Item label={t('versions.compareFrom')} htmlFor="compare-from">
        <Select id="compare-from" style={{ minWidth: 220 }} value={from} onChange={setFrom} options={options} />
      </Form.Item>
      <Form.Item label={t('versions.compareTo')} htmlFor="compare-to" validateStatus={same ? 'error' : undefined}
        help={same ? t('versions.compareSame') : undefined}>
        <Select id="compare-to" style={{ minWidth: 220 }} value={to} onChange={setTo}
          options={[{ value: COMPARE_CURRENT, label: t('versions.current') }, ...options]} />
      </Form.Item>
      <Button htmlType="submit" disabled={!from || same} data-testid="compare-two">{t('versions.compareButton')}</Button>
    </Form>
  );
}

export default function DraftVersions() {
  const { draft, versions, abilities } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const restoreResult = useFetcher<ActionResult>({ key: RESTORE_FETCHER }).data;
  const busy = useNavigation().state !== 'idle';
  const navigate = useNavigate();
  const outlet = useOutlet();
  const { message } = App.useApp();
  const t = useT();
  const list = versions.map((v) => ({ ...v, createdAt: new Date(v.createdAt) }));

  useEffect(() => {
    if (result?.ok && result.message) message.success(t(result.message));
  }, [result]);
  useEffect(() => {
    if (!restoreResult) return;
    if (restoreResult.ok && restoreResult.message) message.success(t(restoreResult.message));
    else if (!restoreResult.ok) message.error(t(Object.values(restoreResult.errors)[0] ?? 'validation.invalid'));
  }, [restoreResult]);

  const close = () => navigate(`/drafts/${draft.id}`, { preventScrollReset: true });
  return (
    <AppDrawer open size={outlet ? 1040 : 760} title={t('versions.title')} onClose={close} destroyOnHidden>
      {outlet ?? (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          {abilities.save ? (
            <section aria-labelledby="versions-save">
              <Typography.Title level={2} id="versions-save" style={{ fontSize: 16, marginTop: 0 }}>{t('versions.saveTitle')}</Typography.Title>
              <AppForm schema={versionSaveSchema} intent="save" name="versionSave" resetOnSuccess>
                <Form.Item name="name" label={t('versions.name')} extra={t('versions.saveHelp')}>
                  <Input maxLength={VERSION_NAME_MAX} autoComplete="off" placeholder={t('versions.namePlaceholder')} data-testid="version-name" />
                </Form.Item>
                <Button htmlType="submit" type="primary" loading={busy} data-testid="save-version">{t('versions.save')}</Button>
              </AppForm>
            </section>
          ) : (
            <Alert type="info" showIcon title={t('versions.viewerNote')} />
          )}

          <section aria-labelledby="versions-list">
            <Typography.Title level={2} id="versions-list" style={{ fontSize: 16 }}>{t('versions.list')}</Typography.Title>
            <VersionList draftId={draft.id} versions={list} canRestore={abilities.restore} />
          </section>

          {list.length > 0 && (
            <section aria-labelledby="versions-compare">
              <Typography.Title level={2} id="versions-compare" style={{ fontSize: 16 }}>{t('versions.comparePicker')}</Typography.Title>
              <ComparePicker versions={list} />
            </section>
          )}
        </Space>
      )}
    </AppDrawer>
  );
}
