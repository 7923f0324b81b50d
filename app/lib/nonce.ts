import { createContext, useContext } from 'react';

/**
 * The page's Content-Security-Policy nonce (server/security.ts): entry.server takes it from the load
 * context, entry.client from the page it hydrates. Inline `<script>` and `<style>` elements carry it.
 */
export const NonceContext = createContext<string | undefined>(undefined);

export function useNonce(): string | undefined {
  return useContext(NonceContext);
}

/** The nonce the server gave this page (browsers hide the attribute but keep the `nonce` property). */
export function pageNonce(): string | undefined {
  return document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce || undefined;
}

/**
 * Some of antd's helpers create `<style>` elements with no way to pass a nonce (@rc-component's
 * scroll lock under a Modal or Drawer, its scrollbar measurement, cssinjs's selector probes): the
 * CSP would refuse them. (antd's own CSS-in-JS takes ConfigProvider's `csp`; Tiptap's base styles are
 * covered here too.) Every `<style>` created from script gets the page's nonce. This widens
 * nothing an attacker can use: only our nonce'd scripts run, and markup injected as HTML is not
 * created through this call.
 */
export function nonceScriptedStyles(nonce: string | undefined) {
  if (!nonce) return;
  const create = document.createElement.bind(document) as (tag: string, options?: ElementCreationOptions) => HTMLElement;
  document.createElement = ((tag: string, options?: ElementCreationOptions) => {
    const element = create(tag, options);
    if (element instanceof HTMLStyleElement) element.nonce = nonce;
    return element;
  }) as typeof document.createElement;
}
