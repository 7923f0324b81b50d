import { RemixBrowser } from '@remix-run/react';
import { startTransition, StrictMode } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { NonceContext, nonceScriptedStyles, pageNonce } from './lib/nonce';

const nonce = pageNonce();
nonceScriptedStyles(nonce);

startTransition(() => {
  hydrateRoot(document, <StrictMode><NonceContext.Provider value={nonce}><RemixBrowser /></NonceContext.Provider></StrictMode>);
});
