import { data, type LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData, useSearchParams } from '@remix-run/react';
import { Space, Table, Typography } from 'antd';
import { KNOWN_AUDIT_ACTIONS, listAudit } from '../../server/services/audit-log';
import { InputError } from '../../server/services/errors';
import { authorize, PolicyError } from '../../shared/policy';
import { auditFilterSchema } from '../../shared/validation/schemas';
import { parseWith, type FieldErrors } from '../../shared/validation/parse';
import { guard, requireUser } from '../lib/session.server';
import { FilterBar, FilterChoice, FilterDay, FilterText } from '../components/FilterBar';
import { formatDateTime } from '../../shared/format/datetime';
import { useLocale, useT, type T } from '../lib/i18n';
import { auditActionLabel, auditTargetLabel, labelOr } from '../../shared/i18n/labels';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

const FILTERS = ['action', 'actor', 'from', 'to'] as const;

/** Bad filters show beside their field with a 400; the page itself still renders. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  // Refuse non-admins before saying anything about their input.
  await guard(async () => authorize(user, 'audit.read', { region: user.region }));
  const base = { actions: [...KNOWN_AUDIT_ACTIONS] };
  const empty = { entries: [], total: 0, page: 1, pageSize: 50 };
  const parsed = parseWith(auditFilterSchema, Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.ok) return data({ ...base, ...empty, errors: parsed.errors as FieldErrors }, { status: 400 });
  try {
    const result = await guard(() => listAudit(context.db, user, parsed.data));
    return data({ ...base, ...result, errors: {} as FieldErrors });
  } catch (err) {
    if (err instanceof InputError) return data({ ...base, ...empty, errors: { [err.field]: err.messageKey } as FieldErrors }, { status: 400 });
    if (err instanceof PolicyError) throw new Response(err.reason, { status: err.status });
    throw err;
  }
}

/** One detail entry in the reader's language: known keys and values are translated, the rest shown as stored. */
function formatDetail(t: T, key: string, v: unknown): string {
  const value = (x: unknown): string => {
    if (x === null || x === undefined || x === '') return '—';
    if (Array.isArray(x)) return x.map((r) => labelOr(t, `role.${r}`, String(r))).join('、');
    if (typeof x === 'object') return JSON.stringify(x);
    const text = String(x);
    if (key === 'kind') return labelOr(t, `admin.org.kind.${text}`, text);
    if (key === 'level') return labelOr(t, `admin.org.level.${text}`, text);
    if (key === 'reason') return labelOr(t, `audit.reason.${text}`, text);
    if (key === 'from' || key === 'to') return labelOr(t, `visibility.${text}`, text);
    return text;
  };
  return `${labelOr(t, `audit.detail.${key}`, key)}：${value(v)}`;
}

/** 审计日志: this region's entries, newest first, 50 a page. */
export default function AdminAudit() {
  const { entries, total, page, pageSize, actions, errors } = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const toPage = (n: number) => {
    const next = new URLSearchParams(params);
    if (n > 1) next.set('page', String(n)); else next.delete('page');
    setParams(next);
  };

  return (
    <section aria-labelledby="audit-title">
      <Typography.Title level={2} id="audit-title" style={{ fontSize: 18 }}>{t('admin.audit.title')}</Typography.Title>
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <FilterBar label={t('admin.audit.filters')} names={FILTERS} errors={errors}>
          <FilterChoice name="action" label={t('admin.audit.action')} placeholder={t('admin.all')}
            options={actions.map((a) => ({ value: a, label: auditActionLabel(t, a) }))} />
          <FilterText name="actor" label={t('admin.audit.actor')} maxLength={40} width={200} />
          <FilterDay name="from" label={t('admin.audit.from')} />
          <FilterDay name="to" label={t('admin.audit.to')} />
        </FilterBar>
        <Table
          rowKey="id" size="small" dataSource={entries}
          locale={{ emptyText: t('admin.audit.empty') }}
          pagination={{
            current: page, pageSize, total, showSizeChanger: false, hideOnSinglePage: true,
            showTotal: (n) => t('admin.audit.total', { n }),
            onChange: toPage,
          }}
          columns={[
            {
              title: t('admin.audit.time'), dataIndex: 'at', width: 170,
              render: (at: string) => <time dateTime={new Date(at).toISOString()}>{formatDateTime(at, locale, { seconds: true })}</time>,
            },
            { title: t('admin.audit.actor'), dataIndex: 'actorName', render: (n: string | null) => n ?? t('admin.audit.system') },
            { title: t('admin.audit.action'), dataIndex: 'action', render: (a: string) => auditActionLabel(t, a) },
            {
              title: t('admin.audit.target'), key: 'target',
              render: (_, e) => auditTargetLabel(t, e) ?? '—',
            },
            {
              title: t('admin.audit.detail'), dataIndex: 'detail',
              render: (d: Record<string, unknown>) => (
                <span style={{ wordBreak: 'break-all' }}>
                  {Object.entries(d ?? {}).filter(([, v]) => v !== null).map(([k, v]) => formatDetail(t, k, v)).join('；')}
                </span>
              ),
            },
            { title: t('admin.audit.ip'), dataIndex: 'ip', render: (ip: string | null) => ip ?? '—' },
          ]}
        />
      </Space>
    </section>
  );
}
