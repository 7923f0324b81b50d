import { RemixBrowser } from '@remix-run/react';
import { startTransition, StrictMode } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { NonceContext, nonceScriptedStyles, pageNonce } from './lib/nonce';

// A live page revalidates when something changes; a newer revalidation aborts the one in flight, on
// purpose. Remix's single fetch can leave that abort as an unhandled rejection ("signal is aborted
// without reason"): nothing failed, and the newer revalidation loads the data. Not reported.
window.addEventListener('unhandledrejection', (event) => {
  if (event.reason instanceof DOMException && event.reason.name === 'AbortError') event.preventDefault();
});

// Remix reads a page's data (`….data`) as a stream and logs an error when a load is aborted while the body
// is still arriving: a navigation interrupting a live revalidation, on purpose. Read whole before Remix sees
// it, an aborted load ends as a rejected fetch, which Remix drops silently. (No loader streams its data.)
const fetchThrough = window.fetch.bind(window);
window.fetch = async (input, init) => {
  const response = await fetchThrough(input, init);
  const url = new URL(input instanceof Request ? input.url : String(input), window.location.href);
  if (!response.body || url.origin !== window.location.origin || !url.pathname.endsWith('.data')) return response;
  const { status, statusText, headers } = response;
  return new Response(await response.arrayBuffer(), { status, statusText, headers });
};

const nonce = pageNonce();
nonceScriptedStyles(nonce);

startTransition(() => {
  hydrateRoot(document, <StrictMode><NonceContext.Provider value={nonce}><RemixBrowser /></NonceContext.Provider></StrictMode>);
});
