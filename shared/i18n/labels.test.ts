import { describe, expect, it } from 'vitest';
import { translate, type Locale } from './index';
import { regionName, visibilityLabel } from './labels';

const t = (locale: Locale) => (key: string, vars?: Record<string, string | number>) => translate(locale, key, vars);
const zh = t('zh-CN');
const en = t('en');

describe('region and visibility labels', () => {
  it('names every region, the national ministries included, and shows an unknown code as itself', () => {
    expect(['chongqing', 'sichuan', 'guizhou', 'national'].map((r) => regionName(zh, r))).toEqual(['重庆', '四川', '贵州', '国家部委']);
    expect(regionName(en, 'national')).toBe('National ministries');
    expect(regionName(zh, 'xizang')).toBe('xizang');
  });

  it('names a joint record by the regions its workspace is shared between, in the order they are read', () => {
    expect(visibilityLabel(zh, 'joint', ['chongqing', 'sichuan'])).toBe('川渝联合');
    expect(visibilityLabel(zh, 'joint', ['chongqing', 'guizhou'])).toBe('渝黔联合');
    expect(visibilityLabel(zh, 'joint', ['guizhou', 'sichuan', 'chongqing'])).toBe('川渝黔联合');
    expect(visibilityLabel(en, 'joint', ['chongqing', 'guizhou'])).toBe('Joint: Chongqing–Guizhou');
  });

  it('says 跨省市联合 where the regions are not known or one has no short name; the others are as they were', () => {
    expect(visibilityLabel(zh, 'joint')).toBe('跨省市联合');
    expect(visibilityLabel(zh, 'joint', ['chongqing'])).toBe('跨省市联合');
    expect(visibilityLabel(zh, 'joint', ['chongqing', 'xizang'])).toBe('跨省市联合');
    expect(visibilityLabel(zh, 'region', ['chongqing', 'guizhou'])).toBe('本省市');
    expect(visibilityLabel(en, 'org')).toBe('My committee');
  });
});
