import { useCallback, useState } from 'react';
import { useFetcher } from '@remix-run/react';
import { Alert, App, Space, Typography } from 'antd';
import type { Node as PMNode } from '@tiptap/pm/model';
import type { Authorship } from '../../../server/services/versions';
import type { ActionResult } from '../../lib/input.server';
import { useT } from '../../lib/i18n';
import { RegionTag } from '../RegionTag';
import { VersionView, type YChange } from './VersionView';
import { useWhenOnline } from '../../lib/submit';

/**
 * 版本对比: the changes from one saved state to a later one (or to the current text), in the
 * read-only version view: insertions underlined in green, deletions struck through in red, each
 * with its author on hover; above it, how much changed and who inserted it. Deletions carry no
 * deleter in Yjs unless a client records one, and the server records who writes, not who deletes:
 * a deletion shows who wrote the deleted text and says the deleter is not recorded.
 */

// ---- Shared by the versions drawer and the version page ----

/** The fetcher every restore button shares, so the drawer reports the result wherever it was pressed. */
export const RESTORE_FETCHER = 'draft-version-restore';

/** Asks first (a restore changes everyone's text), then restores through the shared fetcher. */
export function useRestoreVersion(draftId: string) {
  const fetcher = useFetcher<ActionResult>({ key: RESTORE_FETCHER });
  const { modal } = App.useApp();
  const t = useT();
  const whenOnline = useWhenOnline();
  const restore = (v: { id: string; name: string }) => modal.confirm({
    title: t('versions.restoreConfirmTitle', { name: v.name }),
    content: t('versions.restoreConfirm'),
    okText: t('versions.restoreOk'),
    okButtonProps: { danger: true, 'data-testid': 'restore-confirm' } as { danger: boolean },
    cancelText: t('versions.cancel'),
    onOk: () => whenOnline(() => fetcher.submit({ intent: 'restore', versionId: v.id },
      { method: 'post', encType: 'application/json', action: `/drafts/${draftId}/versions` })),
  });
  return { restore, busy: fetcher.state !== 'idle' };
}

// ---- The diff ----

interface Stats { inserted: number; deleted: number; insertedBy: Map<string | null, number> }

function statsOf(doc: PMNode): Stats {
  const stats: Stats = { inserted: 0, deleted: 0, insertedBy: new Map() };
  doc.descendants((node) => {
    if (!node.isText) return true;
    const change = node.marks.find((m) => m.type.name === 'ychange')?.attrs as YChange | undefined;
    const n = [...(node.text ?? '')].length;
    if (change?.type === 'added') {
      stats.inserted += n;
      stats.insertedBy.set(change.user, (stats.insertedBy.get(change.user) ?? 0) + n);
    } else if (change?.type === 'removed') {
      stats.deleted += n;
    }
    return false;
  });
  return stats;
}

interface Props {
  before: string;
  after: string;
  fromLabel: string;
  toLabel: string;
  authorship: Authorship;
}

export function DiffView({ before, after, fromLabel, toLabel, authorship }: Props) {
  const t = useT();
  const [stats, setStats] = useState<Stats | null>(null);
  const onRendered = useCallback((doc: PMNode) => setStats(statsOf(doc)), []);
  const people = authorship.people;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>{t('versions.diffTitle', { from: fromLabel, to: toLabel })}</Typography.Title>
      <div aria-label={t('versions.legend')} role="group" style={{ display: 'flex', flexWrap: 'wrap', gap: 16, alignItems: 'center' }}>
        <span className="version-view">
          <ins className="ychange ychange--added" style={{ textDecoration: 'underline 2px #389e0d', background: '#d9f7be', color: 'inherit' }}>
            {t('versions.inserted')}
          </ins>
        </span>
        <span className="version-view">
          <del className="ychange ychange--removed" style={{ textDecoration: 'line-through 2px #cf1322', background: '#fff1f0', color: '#a8071a' }}>
            {t('versions.deleted')}
          </del>
        </span>
        {stats && (
          <span data-testid="diff-stats">
            {stats.inserted + stats.deleted === 0 ? t('versions.noChanges') : t('versions.stats', { ins: stats.inserted, del: stats.deleted })}
          </span>
        )}
      </div>
      {stats && stats.insertedBy.size > 0 && (
        <div data-testid="diff-authors" style={{ display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'center' }}>
          <span>{t('versions.insertedByList')}</span>
          {[...stats.insertedBy].sort((a, b) => b[1] - a[1]).map(([user, n]) => {
            const p = user ? people[user] : undefined;
            return (
              <span key={user ?? 'unknown'}>
                {p ? <>{p.name}（{p.org}） <RegionTag region={p.region} /></> : t('attribution.unknown')}
                {' '}{t('attribution.chars', { n })}
              </span>
            );
          })}
        </div>
      )}
      <Alert type="info" showIcon title={t('versions.deletionNote')} />
      <VersionView before={before} after={after} authorship={authorship} onRendered={onRendered}
        label={t('versions.diffLabel', { from: fromLabel, to: toLabel })} />
    </Space>
  );
}
