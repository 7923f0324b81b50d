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

const nonce = pageNonce();
nonceScriptedStyles(nonce);

startTransition(() => {
  hydrateRoot(document, <StrictMode><NonceContext.Provider value={nonce}><RemixBrowser /></NonceContext.Provider></StrictMode>);
});
