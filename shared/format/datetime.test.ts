import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDate, formatDateTime } from './datetime';

// The process runs in New York time, as a server or a browser elsewhere might: the output must not change.
const zone = process.env.TZ;
beforeAll(() => { process.env.TZ = 'America/New_York'; });
afterAll(() => { if (zone === undefined) delete process.env.TZ; else process.env.TZ = zone; });

/** 00:30 on 2 January in Beijing; still 1 January in New York and in UTC. */
const AT = '2025-01-01T16:30:05Z';

describe('dates in Beijing time, whatever the zone of the process', () => {
  it('really runs in another zone (else this test would prove nothing)', () => {
    expect(new Date(AT).getHours()).toBe(11);
    expect(new Date(AT).toLocaleDateString('zh-CN')).toBe('2025/1/1');
  });

  it('formats the date and time of Beijing in Chinese', () => {
    expect(formatDate(AT, 'zh-CN')).toBe('2025年1月2日');
    expect(formatDateTime(AT, 'zh-CN')).toBe('2025年1月2日 00:30');
    expect(formatDateTime(AT, 'zh-CN', { seconds: true })).toBe('2025年1月2日 00:30:05');
  });

  it('formats them in English with a 24-hour clock', () => {
    expect(formatDate(AT, 'en')).toBe('Jan 2, 2025');
    expect(formatDateTime(AT, 'en')).toBe('Jan 2, 2025, 00:30');
    expect(formatDateTime(AT, 'en', { seconds: true })).toBe('Jan 2, 2025, 00:30:05');
  });

  it('gives the same text for the same instant however it is written', () => {
    const forms = [AT, new Date(AT), Date.parse(AT), '2025-01-02T00:30:05+08:00', '2025-01-01T11:30:05-05:00'];
    for (const at of forms) {
      expect(formatDate(at, 'zh-CN')).toBe('2025年1月2日');
      expect(formatDateTime(at, 'zh-CN')).toBe('2025年1月2日 00:30');
    }
  });
});
