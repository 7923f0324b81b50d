import { Link } from '@remix-run/react';
import { Card, Tag, Typography } from 'antd';
import { SettingOutlined } from '@ant-design/icons';
import { useT } from '../../lib/i18n';
import { RegionTag } from '../RegionTag';

export interface CollaboratorRow { id: string; displayName: string; orgName: string; region: string; role: 'editor' | 'commenter' | 'viewer' }
export interface AuthorRow { id: string; name: string; orgName: string; region: string }

// Dark hues: antd tints the background and keeps the text in this colour, above 4.5:1 contrast.
const ROLE_COLORS = { author: '#a8071a', editor: '#ad4e00', commenter: '#006d75', viewer: '#595959' } as const;

export function DraftRoleTag({ role }: { role: keyof typeof ROLE_COLORS }) {
  const t = useT();
  return <Tag color={ROLE_COLORS[role]}>{t(`draftRole.${role}`)}</Tag>;
}

/** 协作者: the author and everyone invited, with their role; managers get a link to change them. */
export function CollaboratorsCard({ author, collaborators, settingsHref }: { author: AuthorRow; collaborators: CollaboratorRow[]; settingsHref?: string }) {
  const t = useT();
  const people = [{ id: author.id, displayName: author.name, orgName: author.orgName, region: author.region, role: 'author' as const }, ...collaborators];
  return (
    <Card size="small">
      <Typography.Title level={2} id="draft-collaborators" style={{ fontSize: 16, marginTop: 0 }}>{t('drafts.collaborators')}</Typography.Title>
      <ul className="draft-presence" aria-labelledby="draft-collaborators" data-testid="collaborator-list">
        {people.map((c) => (
          <li key={c.id}>
            <span>
              <Link to={`/users/${c.id}`} style={{ textDecoration: 'underline' }}>{c.displayName}</Link> <DraftRoleTag role={c.role} />
              <br />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{c.orgName}</Typography.Text> <RegionTag region={c.region} />
            </span>
          </li>
        ))}
      </ul>
      {settingsHref && (
        <Link to={settingsHref} style={{ display: 'inline-block', marginTop: 12 }} data-testid="draft-settings-link">
          <SettingOutlined aria-hidden="true" /> {t('drafts.manage')}
        </Link>
      )}
    </Card>
  );
}
