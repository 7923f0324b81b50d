import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseWith } from './parse';
import { draftListFilterSchema } from './drafts';
import { notificationFilterSchema } from './notifications';
import { searchQuerySchema } from './search';
import { auditFilterSchema, userListFilterSchema } from './schemas';
import { calendarFilterSchema } from './calendar';
import { day } from './common';

/**
 * Every list filter reads the query string the same way: nothing or an empty value is no filter, a
 * value that is not valid is an error naming the field (the page answers 400), never silently dropped.
 */
const LISTS: Array<[string, z.ZodTypeAny, Record<string, string>, Record<string, string>]> = [
  ['drafts', draftListFilterSchema, { workspace: '6F9619FF-8B86-4011-B42D-00C04FC964FF', q: ' 氢 ', mine: '1' }, { workspace: 'x', mine: '2' }],
  ['notifications', notificationFilterSchema, { show: 'unread', kind: 'mention' }, { show: 'x', kind: 'poem' }],
  ['search', searchQuerySchema, { q: '氢', kind: 'draft', region: 'guizhou' }, { kind: 'motion', workspace: 'nope', region: 'Sichuan!' }],
  ['admin users', userListFilterSchema, { q: '李', orgId: '6f9619ff-8b86-4011-b42d-00c04fc964ff', role: 'member' }, { orgId: 'zzz', role: 'nobody' }],
  ['audit', auditFilterSchema, { action: 'login', from: '2025-01-02', to: '2025-01-31' }, { from: '2025-13', to: 'x' }],
];

describe('list filters', () => {
  for (const [name, schema, good, bad] of LISTS) {
    it(`${name}: empty is no filter, good values pass, each bad value names its field`, () => {
      const empty = parseWith(schema, Object.fromEntries(Object.keys({ ...good, ...bad }).map((k) => [k, ''])));
      expect(empty.ok).toBe(true);
      const none = Object.entries(empty.ok ? empty.data : {}).filter(([k, v]) => v !== undefined && k !== 'page' && k !== 'mine');
      expect(none).toEqual([]);
      expect(parseWith(schema, {}).ok).toBe(true);
      expect(parseWith(schema, good).ok).toBe(true);
      const refused = parseWith(schema, bad);
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(Object.keys(refused.errors).sort()).toEqual(Object.keys(bad).sort());
    });
  }

  it('normalizes what it keeps: ids lower-cased, text trimmed, the audit days named as dates', () => {
    expect(draftListFilterSchema.parse({ workspace: '6F9619FF-8B86-4011-B42D-00C04FC964FF', q: ' 氢 ', mine: '1' }))
      .toEqual({ workspace: '6f9619ff-8b86-4011-b42d-00c04fc964ff', q: '氢', mine: true });
    expect(draftListFilterSchema.parse({}).mine).toBe(false);
    expect(parseWith(auditFilterSchema, { from: '2025/01/02' })).toEqual({ ok: false, errors: { from: 'validation.date' } });
    expect(parseWith(userListFilterSchema, { q: '长'.repeat(41) })).toEqual({ ok: false, errors: { q: 'validation.tooLong' } });
    expect(parseWith(userListFilterSchema, { role: 'nobody' })).toEqual({ ok: false, errors: { role: 'validation.invalid' } });
  });

  it('reads days from 1900 to 2100 only (PostgreSQL has no year 0; a month of 9999-12 would end in year 10000)', () => {
    expect(parseWith(auditFilterSchema, { from: '1900-01-01', to: '2100-12-31' }).ok).toBe(true);
    for (const d of ['0000-01-01', '0001-01-01', '1899-12-31', '2101-01-01', '9999-12-31']) {
      expect(parseWith(auditFilterSchema, { from: d })).toEqual({ ok: false, errors: { from: 'validation.date' } });
      expect(parseWith(calendarFilterSchema, { date: d })).toEqual({ ok: false, errors: { date: 'validation.date' } });
      expect(parseWith(z.object({ day }), { day: d })).toEqual({ ok: false, errors: { day: 'validation.dateRange' } });
    }
  });

  it('makes every string it reads storable (files untouched): NULs dropped, a lone surrogate U+FFFD', () => {
    expect(parseWith(draftListFilterSchema, { q: 'a\ud800b\udfffc\ud83d\ude00' })).toEqual({ ok: true, data: { q: 'a\uFFFDb\uFFFDc😀', mine: false } });
    expect(parseWith(draftListFilterSchema, { q: '\u0000' })).toEqual({ ok: true, data: { mine: false } });
    expect(parseWith(auditFilterSchema, { action: 'log\u0000in' })).toMatchObject({ ok: true, data: { action: 'login' } });
    const file = new File(['\u0000'], 'a.txt');
    const schema = z.object({ tags: z.array(z.string()), nested: z.object({ note: z.string() }), file: z.instanceof(File) });
    const parsed = parseWith(schema, { tags: ['氢\u0000', 'x'], nested: { note: '\u0000走廊' }, file });
    expect(parsed).toEqual({ ok: true, data: { tags: ['氢', 'x'], nested: { note: '走廊' }, file } });
  });
});
