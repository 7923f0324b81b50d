import { zhCN, type Messages } from './zh-CN';
import { en } from './en';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';
export type MessageKey = keyof Messages;

const catalogs: Record<Locale, Messages> = { 'zh-CN': zhCN, en };

export function isLocale(v: unknown): v is Locale {
  return LOCALES.includes(v as Locale);
}

/** The language chosen with the switch (a plain `lang` cookie in this Cookie header), zh-CN otherwise. */
export function localeOfCookies(cookieHeader: string | null | undefined): Locale {
  const match = /(?:^|;\s*)lang=([^;]+)/.exec(cookieHeader ?? '');
  // Locales need no %-encoding: the value is compared as sent (decoding a garbled one would throw).
  const value = match?.[1] ?? '';
  return isLocale(value) ? value : DEFAULT_LOCALE;
}

/** Translate a key; `{name}` placeholders take vars. An unknown key shows itself, never crashes. */
export function translate(locale: Locale, key: string, vars?: Record<string, string | number>): string {
  const text = (catalogs[locale] as Record<string, string>)[key] ?? (zhCN as Record<string, string>)[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? `{${k}}`)) : text;
}
