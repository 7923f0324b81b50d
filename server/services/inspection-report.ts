import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { withActor } from '../../db';
import { listFindings, listStops } from '../../db/queries/inspections';
import { listItems } from '../../db/queries/rectification';
import { authorize, type Actor } from '../../shared/policy';
import { VISIBILITIES, type Visibility } from '../../shared/domain/model';
import { translate } from '../../shared/i18n';
import { dbActor } from './actor';
import type { CallContext } from './call';
import { createDraft } from './drafts';
import { loadInspection, toInspectionRef } from './inspections';

/**
 * "Start the report" (起草报告): a co-drafted draft in the inspection's workspace, with the
 * inspection's visibility, seeded from a template with the itinerary, the findings and the
 * rectification summary. Only what every reader of the draft may read goes in: a finding or item
 * narrower than the draft (a region's private finding in a joint report) stays out.
 */
export async function startReport(db: Kysely<DB>, actor: Actor, inspectionId: string, call: CallContext = {}) {
  const t = (key: string, vars?: Record<string, string | number>) => translate('zh-CN', key, vars);
  const content = await withActor(db, dbActor(actor), async (trx) => {
    const row = await loadInspection(trx, actor, inspectionId);
    authorize(actor, 'inspection.plan', toInspectionRef(row));
    const wide = (v: Visibility) => VISIBILITIES.indexOf(v) >= VISIBILITIES.indexOf(row.visibility);
    const findings = (await listFindings(trx, inspectionId)).filter((f) => wide(f.visibility));
    const items = (await listItems(trx, { inspectionId })).filter((r) => wide(r.visibility));
    const stops = await listStops(trx, inspectionId);
    return { row, findings, items, stops };
  });
  const { row, findings, items, stops } = content;
  const text = (s: string) => (s ? [{ type: 'text', text: s }] : undefined);
  const heading = (level: number, s: string) => ({ type: 'heading', attrs: { level }, content: text(s) });
  const paragraph = (s: string) => ({ type: 'paragraph', ...(s ? { content: text(s) } : {}) });
  const list = (lines: string[]) => (lines.length === 0 ? paragraph('（无）') : {
    type: 'bulletList', content: lines.map((l) => ({ type: 'listItem', content: [paragraph(l)] })),
  });
  const title = `${row.title}报告（初稿）`;
  const verified = items.filter((r) => r.status === 'verified').length;
  const document = {
    type: 'doc',
    content: [
      heading(1, title),
      heading(2, '一、基本情况'),
      paragraph(`${row.startsOn}至${row.endsOn}，${row.leads.map((l) => l.name).join('、')}围绕“${row.topic || row.title}”开展${t(`inspection.kind.${row.kind}`)}。`),
      list(stops.map((s) => `${s.day}${s.time ? ` ${s.time}` : ''} ${s.place}${s.hostUnit ? `（${s.hostUnit}）` : ''}`)),
      heading(2, '二、发现的主要问题'),
      paragraph(`共发现问题${findings.length}个。`),
      list(findings.map((f) => `${f.description}（${f.place || '—'}，${t(`inspection.finding.severity.${f.severity}`)}）`)),
      heading(2, '三、整改情况'),
      paragraph(`形成整改清单${items.length}项，已核验${verified}项。`),
      list(items.map((r) => `${r.measure}——${r.responsibleOrgName}，${r.deadline}前，${t(`inspection.item.status.${r.status}`)}`)),
      heading(2, '四、意见建议'),
      paragraph(''),
    ],
  };
  return createDraft(db, actor, row.workspaceId, {
    title, kind: row.kind === 'research' ? 'research' : 'inspection', visibility: row.visibility,
    imported: { document, fileName: `${row.title}（视察报告模板）` },
  }, call);
}
