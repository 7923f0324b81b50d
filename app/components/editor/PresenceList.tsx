import { useEffect, useState } from 'react';
import { Typography } from 'antd';
import type { WebsocketProvider } from 'y-websocket';
import { useT } from '../../lib/i18n';
import { RegionTag } from '../RegionTag';

/** The awareness identity the collaboration server sets from the session (nobody can forge it). */
export interface PresenceUser { id: string; name: string; org: string; region: string; color: string }

const isUser = (u: unknown): u is PresenceUser =>
  !!u && typeof u === 'object' && typeof (u as PresenceUser).id === 'string' && typeof (u as PresenceUser).name === 'string';

/** A CSS colour from the network is used only if it is a plain hex colour. */
export const safeColor = (c: unknown) => (typeof c === 'string' && /^#[0-9a-f]{3,8}$/i.test(c) ? c : '#555');

function usePresence(provider: WebsocketProvider): PresenceUser[] {
  const [people, setPeople] = useState<PresenceUser[]>([]);
  useEffect(() => {
    const { awareness } = provider;
    const read = () => {
      // One entry per person, however many tabs they have open.
      const byId = new Map<string, PresenceUser>();
      for (const state of awareness.getStates().values()) {
        if (isUser(state.user) && !byId.has(state.user.id)) byId.set(state.user.id, state.user);
      }
      setPeople([...byId.values()]);
    };
    read();
    awareness.on('change', read);
    return () => awareness.off('change', read);
  }, [provider]);
  return people;
}

/** 在线协作者: who has this draft open now, with committee and region colour. */
export function PresenceList({ provider, meId }: { provider: WebsocketProvider; meId: string }) {
  const t = useT();
  const people = usePresence(provider);
  return (
    <section aria-labelledby="draft-presence">
      <Typography.Title level={2} id="draft-presence" style={{ fontSize: 16, marginTop: 0 }}>
        {t('drafts.presence', { n: people.length })}
      </Typography.Title>
      <ul className="draft-presence" data-testid="presence-list">
        {people.map((u) => (
          <li key={u.id} data-user-id={u.id}>
            <span className="draft-presence__dot" style={{ background: safeColor(u.color) }} aria-hidden="true" />
            <span>
              <Typography.Text strong>{u.name}</Typography.Text>
              {u.id === meId && <Typography.Text type="secondary">{t('drafts.me')}</Typography.Text>}
              <br />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{u.org}</Typography.Text> <RegionTag region={u.region} />
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
