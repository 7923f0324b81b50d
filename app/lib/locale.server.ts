import { localeOfCookies, type Locale } from '../../shared/i18n';

/** The language chosen with the switch (a plain cookie), zh-CN otherwise. */
export function localeFrom(request: Request): Locale {
  return localeOfCookies(request.headers.get('Cookie'));
}
