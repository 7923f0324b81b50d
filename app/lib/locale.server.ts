import { DEFAULT_LOCALE, isLocale, type Locale } from '../../shared/i18n';

/** The language chosen with the switch (a plain cookie), zh-CN otherwise. */
export function localeFrom(request: Request): Locale {
  const match = /(?:^|;\s*)lang=([^;]+)/.exec(request.headers.get('Cookie') ?? '');
  // Locales need no %-encoding: the value is compared as sent (decoding a garbled one would throw).
  const value = match?.[1] ?? '';
  return isLocale(value) ? value : DEFAULT_LOCALE;
}
