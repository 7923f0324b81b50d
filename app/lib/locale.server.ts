import { DEFAULT_LOCALE, isLocale, type Locale } from '../../shared/i18n';

/** The language chosen with the switch (a plain cookie), zh-CN otherwise. */
export function localeFrom(request: Request): Locale {
  const match = /(?:^|;\s*)lang=([^;]+)/.exec(request.headers.get('Cookie') ?? '');
  const value = match ? decodeURIComponent(match[1]) : '';
  return isLocale(value) ? value : DEFAULT_LOCALE;
}
