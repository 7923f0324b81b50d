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

interface MetaArgs { matches: ReadonlyArray<{ id: string; data?: unknown }> }

/**
 * Every page's <title>, in the reader's language: `what · 川渝政协协同履职平台`, where `what` is the
 * record's own name when the page shows one, else the text of `key`.
 */
export function pageTitle(args: MetaArgs, key: MessageKey | (string & {}), name?: string | null) {
  const locale = (args.matches.find((m) => m.id === 'root')?.data as { locale?: Locale } | undefined)?.locale ?? DEFAULT_LOCALE;
  return [{ title: `${name || translate(locale, key)} · ${translate(locale, 'app.title')}` }];
}
