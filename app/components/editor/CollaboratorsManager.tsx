import { Button, Form, Select, Space, Table, Typography } from 'antd';
import { useNavigation } from '@remix-run/react';
import { useSubmitOnline } from '../../lib/submit';
import { COLLABORATOR_ROLES, collaboratorInviteSchema } from '../../../shared/validation/drafts';
import { useT } from '../../lib/i18n';
import { regionName } from '../../../shared/i18n/labels';
import { AppForm } from '../AppForm';
import { RegionTag } from '../RegionTag';
import type { CollaboratorRow } from './CollaboratorsCard';
import { Confirm } from '../Confirm';

interface Candidate { id: string; displayName: string; orgName: string; region: string }

interface Props {
  collaborators: CollaboratorRow[];
  candidates: Candidate[];
  /** Some workspace members of the other region are left out until the draft is 川渝联合. */
  othersNeedJoint: boolean;
  /** What joint visibility is called for this draft (川渝联合). */
  joint: string;
}

/**
 * 协作者管理: change a collaborator's role, remove them, or invite a member of the workspace.
 * Each change is audited and closes or refreshes the person's live editor at once (server side).
 */
export function CollaboratorsManager({ collaborators, candidates, othersNeedJoint, joint }: Props) {
  const t = useT();
  const submit = useSubmitOnline();
  const busy = useNavigation().state !== 'idle';
  const post = (values: Record<string, string>) => submit(values, { method: 'post', encType: 'application/json' });
  const roleOptions = COLLABORATOR_ROLES.map((r) => ({ value: r, label: t(`draftRole.${r}`) }));

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Table<CollaboratorRow>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={collaborators}
        locale={{ emptyText: t('drafts.noCollaborators') }}
        columns={[
          {
            title: t('drafts.person'), key: 'name',
            render: (_, c) => <>{c.displayName}<br /><Typography.Text type="secondary" style={{ fontSize: 12 }}>{c.orgName}</Typography.Text> <RegionTag region={c.region} /></>,
          },
          {
            title: t('drafts.role'), key: 'role',
            render: (_, c) => (
              <Select
                size="small"
                value={c.role}
                aria-label={t('drafts.roleOf', { name: c.displayName })}
                options={roleOptions}
                disabled={busy}
                style={{ minWidth: 96 }}
                onChange={(role) => post({ intent: 'role', userId: c.id, role })}
              />
            ),
          },
          {
            title: t('workspace.actions'), key: 'remove',
            render: (_, c) => (
              <Confirm title={t('drafts.removeConfirm', { name: c.displayName })} okText={t('workspace.remove')}
                cancelText={t('workspace.cancel')} okButtonProps={{ danger: true }} onConfirm={() => post({ intent: 'remove', userId: c.id })}>
                <Button size="small" danger disabled={busy} aria-label={t('workspace.removeNamed', { name: c.displayName })}>{t('workspace.remove')}</Button>
              </Confirm>
            ),
          },
        ]}
      />

      <AppForm schema={collaboratorInviteSchema} intent="invite" name="inviteCollaborator" resetOnSuccess initialValues={{ role: 'editor' }}>
        <Form.Item name="userId" label={t('drafts.invitee')} extra={othersNeedJoint ? t('drafts.othersNeedJoint', { joint }) : undefined}>
          <Select
            showSearch
            optionFilterProp="label"
            placeholder={t('drafts.chooseInvitee')}
            notFoundContent={t('drafts.noCandidates')}
            options={candidates.map((c) => ({ value: c.id, label: `${c.displayName}（${c.orgName}·${regionName(t, c.region)}）` }))}
          />
        </Form.Item>
        <Form.Item name="role" label={t('drafts.role')}>
          <Select options={roleOptions} style={{ maxWidth: 200 }} />
        </Form.Item>
        <Button htmlType="submit" type="primary" loading={busy} data-testid="invite-collaborator">{t('drafts.invite')}</Button>
      </AppForm>
    </Space>
  );
}
