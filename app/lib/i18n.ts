import { useRouteLoaderData } from '@remix-run/react';
import { DEFAULT_LOCALE, translate, type Locale, type MessageKey } from '../../shared/i18n';

export type T = (key: MessageKey | (string & {}), vars?: Record<string, string | number>) => string;

export function useLocale(): Locale {
  const data = useRouteLoaderData<{ locale: Locale }>('root');
  return data?.locale ?? DEFAULT_LOCALE;
}

/** The translate function for the current user's language (zh-CN unless they chose English). */
export function useT(): T {
  const locale = useLocale();
  return (key, vars) => translate(locale, key, vars);
}
