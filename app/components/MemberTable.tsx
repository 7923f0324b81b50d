import { Button, Select, Space, Table, Tag, Typography } from 'antd';
import { Link, useNavigation } from '@remix-run/react';
import { useSubmitOnline } from '../lib/submit';
import type { WorkspaceRole } from '../../shared/domain/model';
import { useT } from '../lib/i18n';
import { RegionTag } from './RegionTag';
import { Confirm } from './Confirm';

export interface MemberRow {
  id: string;
  displayName: string;
  orgName: string;
  region: string;
  role: WorkspaceRole;
  status: 'active' | 'disabled';
  canRemove: boolean;
  canSetRole: boolean;
}

interface Props {
  members: MemberRow[];
  /** Offer the member/coordinator switch where the actor may set it (admin pages). */
  roleControl?: boolean;
  /** The heading level of each region's group, so headings stay in order on every page. */
  level?: 2 | 3 | 4;
}

/**
 * Members grouped by region. Each row offers only what the actor may do to that person
 * (own-region people only); the action enforces it again.
 */
export function MemberTable({ members, roleControl, level = 3 }: Props) {
  const t = useT();
  const submit = useSubmitOnline();
  const busy = useNavigation().state !== 'idle';
  const regions = [...new Set(members.map((m) => m.region))];
  const post = (values: Record<string, string>) => submit(values, { method: 'post', encType: 'application/json' });
  const roleLabel = (r: WorkspaceRole) => t(r === 'coordinator' ? 'workspace.roleCoordinator' : 'workspace.roleMember');
  const anyActions = members.some((m) => m.canRemove || (roleControl && m.canSetRole));

  if (members.length === 0) return <Typography.Paragraph type="secondary">{t('workspace.noMembers')}</Typography.Paragraph>;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {regions.map((region) => {
        const rows = members.filter((m) => m.region === region);
        const headingId = `members-${region}`;
        return (
          <section key={region} aria-labelledby={headingId}>
            <Typography.Title level={level} id={headingId} style={{ fontSize: 15 }}>
              <RegionTag region={region} /> {t('workspace.membersOfRegion', { n: rows.length })}
            </Typography.Title>
            <Table<MemberRow>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={rows}
              data-testid={`members-${region}`}
              columns={[
                {
                  title: t('workspace.memberName'), key: 'name', width: '28%',
                  render: (_, m) => (
                    <Space size={4}>
                      <Link to={`/users/${m.id}`}>{m.displayName}</Link>
                      {m.status === 'disabled' && <Tag>{t('workspace.disabled')}</Tag>}
                    </Space>
                  ),
                },
                { title: t('workspace.memberOrg'), dataIndex: 'orgName', key: 'org', width: '28%' },
                {
                  title: t('workspace.memberRole'), key: 'role', width: '22%',
                  render: (_, m) => roleControl && m.canSetRole ? (
                    <Select<WorkspaceRole>
                      size="small"
                      value={m.role}
                      disabled={busy}
                      aria-label={t('workspace.roleOf', { name: m.displayName })}
                      style={{ minWidth: 110 }}
                      options={(['member', 'coordinator'] as const).map((r) => ({ value: r, label: roleLabel(r) }))}
                      onChange={(role) => post({ intent: 'setRole', userId: m.id, role })}
                    />
                  ) : m.role === 'coordinator' ? <Typography.Text strong>{roleLabel(m.role)}</Typography.Text> : roleLabel(m.role),
                },
                ...(anyActions ? [{
                  title: t('workspace.actions'), key: 'actions',
                  render: (_: unknown, m: MemberRow) => m.canRemove ? (
                    <Confirm
                      title={t('workspace.removeConfirm', { name: m.displayName })}
                      okText={t('workspace.remove')}
                      cancelText={t('workspace.cancel')}
                      onConfirm={() => post({ intent: 'removeMember', userId: m.id })}
                    >
                      <Button size="small" danger disabled={busy} aria-label={t('workspace.removeNamed', { name: m.displayName })}>
                        {t('workspace.remove')}
                      </Button>
                    </Confirm>
                  ) : <Typography.Text type="secondary">{t('workspace.managedByOwnRegion')}</Typography.Text>,
                }] : []),
              ]}
            />
          </section>
        );
      })}
    </Space>
  );
}
