import type { Kysely } from 'kysely';
import ExcelJS from 'exceljs';
import type { DB } from '../../db/schema';
import { withActor } from '../../db';
import type { Actor } from '../../shared/policy';
import type { Region } from '../../shared/domain/model';
import { translate, type Locale } from '../../shared/i18n';
import { labelOr, regionName } from '../../shared/i18n/labels';
import type { DocumentJSON } from '../word/docx-to-json';
import { getInspection, readInspection } from './inspections';
import { converter } from './draft-word';
import { dbActor } from './actor';
import { audit } from './audit';
import { UnavailableError } from './errors';
import type { CallContext } from './call';

/**
 * 整改清单 as .xlsx: exactly the items the reader sees on the page (the same service call, so the
 * same policy and row-level security), one row each, with its findings, unit, deadline, status and
 * whether it is overdue; a last row with the counts as the report gives them.
 */
export async function rectificationXlsx(db: Kysely<DB>, actor: Actor, inspectionId: string, locale: Locale) {
  const page = await getInspection(db, actor, inspectionId);
  const t = (key: string, vars?: Record<string, string | number>) => translate(locale, key, vars);
  const book = new ExcelJS.Workbook();
  book.creator = '川渝政协协同履职平台';
  const sheet = book.addWorksheet(t('inspection.items'));
  sheet.columns = [
    { header: '#', key: 'n', width: 6 },
    { header: t('inspection.item.findings'), key: 'findings', width: 40 },
    { header: t('inspection.item.measure'), key: 'measure', width: 40 },
    { header: t('inspection.item.unit'), key: 'unit', width: 24 },
    { header: t('inspection.item.deadline'), key: 'deadline', width: 14 },
    { header: t('inspection.status'), key: 'status', width: 10 },
    { header: t('inspection.item.overdue'), key: 'overdue', width: 8 },
    { header: t('inspection.item.progress'), key: 'progress', width: 40 },
    { header: t('inspection.item.returnReason'), key: 'reason', width: 24 },
  ];
  sheet.getRow(1).font = { bold: true };
  page.items.forEach((r, i) => sheet.addRow({
    n: i + 1, findings: r.findings.map((f) => f.description).join('；'), measure: r.measure, unit: r.responsibleOrgName,
    deadline: r.deadline, status: t(`inspection.item.status.${r.status}`), overdue: r.overdue ? '是' : '', progress: r.progress, reason: r.returnReason,
  }));
  sheet.addRow({});
  const { findingCount, itemCount, verifiedCount } = page.inspection;
  sheet.addRow({ n: '', findings: t('inspection.counts', { findings: findingCount, items: itemCount, verified: verifiedCount }) });
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  const bytes = Buffer.from(await book.xlsx.writeBuffer());
  return { bytes, fileName: `${page.inspection.title}-${t('inspection.items')}.xlsx` };
}

/**
 * 视察情况汇总 as .docx, through the Word worker pool as a proposal's export: title, kind, dates,
 * lead committees, the roster counted per region, the itinerary, the counts, and the findings and
 * rectification items the reader sees on the page (the same reading: row-level security and the
 * policy, so a region's private finding is in its own region's copy only; a handling unit's copy
 * holds its own items and nothing of the roster or findings). Audited for the owner region, and for
 * the reader's region when the inspection crossed the boundary to them.
 */
export async function inspectionSummaryDocx(db: Kysely<DB>, actor: Actor, inspectionId: string, locale: Locale, call: CallContext = {}) {
  const t = (key: string, vars?: Record<string, string | number>) => translate(locale, key, vars);
  const page = await withActor(db, dbActor(actor), async (trx) => {
    const page = await readInspection(trx, actor, inspectionId);
    const detail = { title: page.inspection.title, findings: page.findings.length, items: page.items.length };
    for (const region of new Set<Region>([page.inspection.ownerRegion as Region, actor.region as Region])) {
      await audit(trx, { actor, region, ip: call.ip, action: 'inspection.export', target: { type: 'inspection', id: inspectionId }, detail });
    }
    return page;
  });
  const { inspection, roster, stops, findings, items } = page;
  const text = (s: string): DocumentJSON[] | undefined => (s ? [{ type: 'text', text: s }] : undefined);
  const paragraph = (s: string): DocumentJSON => ({ type: 'paragraph', ...(s ? { content: text(s) } : {}) });
  const heading = (level: number, s: string): DocumentJSON => ({ type: 'heading', attrs: { level }, content: text(s) });
  const line = (label: string, value: string): DocumentJSON => ({
    type: 'paragraph', content: [{ type: 'text', text: `${label}：`, marks: [{ type: 'bold' }] }, ...(text(value) ?? [])],
  });
  const table = (header: string[], rows: string[][]): DocumentJSON => (rows.length === 0 ? paragraph(t('inspection.summary.none')) : {
    type: 'table',
    content: [
      { type: 'tableRow', content: header.map((h) => ({ type: 'tableHeader', content: [paragraph(h)] })) },
      ...rows.map((r) => ({ type: 'tableRow', content: r.map((c) => ({ type: 'tableCell', content: [paragraph(c)] })) })),
    ],
  });
  const perRegion = new Map<string, number>();
  for (const m of roster) perRegion.set(m.region, (perRegion.get(m.region) ?? 0) + 1);
  const json: DocumentJSON = {
    type: 'doc',
    content: [
      heading(1, `${inspection.title}${t('inspection.summary.heading')}`),
      heading(2, t('inspection.summary.basics')),
      line(t('inspection.kind'), t(`inspection.kind.${inspection.kind}`)),
      line(t('inspection.status'), t(`inspection.status.${inspection.status}`)),
      line(t('inspection.dates'), `${inspection.startsOn} – ${inspection.endsOn}`),
      line(t('inspection.leads'), inspection.leads.map((l) => `${l.name}（${regionName(t, l.region)}）`).join('、')),
      line(t('inspection.workspace'), inspection.workspaceName),
      ...(inspection.topic ? [line(t('inspection.topic'), inspection.topic)] : []),
      heading(2, t('inspection.summary.rosterHeading')),
      table([t('inspection.filterRegion'), t('inspection.summary.people')], [...perRegion].map(([region, n]) => [regionName(t, region), String(n)])),
      heading(2, t('inspection.summary.itineraryHeading')),
      table([t('inspection.dates'), t('inspection.summary.time'), t('inspection.finding.place'), t('inspection.summary.hostUnit')],
        stops.map((s) => [s.day, s.time ?? '', s.place, s.hostUnit ?? ''])),
      heading(2, t('inspection.summary.countsHeading')),
      paragraph(t('inspection.counts', { findings: inspection.findingCount, items: inspection.itemCount, verified: inspection.verifiedCount })),
      heading(2, t('inspection.summary.findingsHeading')),
      table([t('inspection.finding.description'), t('inspection.finding.place'), t('inspection.finding.category'), t('inspection.finding.severity')],
        findings.map((f) => [f.description, f.place ?? '', labelOr(t, `inspection.finding.category.${f.category}`, f.category), t(`inspection.finding.severity.${f.severity}`)])),
      heading(2, t('inspection.summary.itemsHeading')),
      table([t('inspection.item.measure'), t('inspection.item.unit'), t('inspection.item.deadline'), t('inspection.status'), t('inspection.item.progress')],
        items.map((r) => [r.measure, r.responsibleOrgName, `${r.deadline}${r.overdue ? `（${t('inspection.item.overdue')}）` : ''}`, t(`inspection.item.status.${r.status}`), r.progress ?? ''])),
    ],
  };
  const title = `${inspection.title}-${t('inspection.summary.heading')}`;
  const result = await converter(call).exportDocx(json, { title, creator: '川渝政协协同履职平台' });
  if (!result.ok) throw new UnavailableError(result.refusal);
  return { title, bytes: result.value };
}
