import type { Kysely } from 'kysely';
import ExcelJS from 'exceljs';
import type { DB } from '../../db/schema';
import type { Actor } from '../../shared/policy';
import { translate, type Locale } from '../../shared/i18n';
import { getInspection } from './inspections';

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
