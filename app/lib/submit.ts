import { useEffect, type FormEvent } from 'react';
import { useLocation, useNavigate, useNavigation, useSubmit, type SubmitFunction } from '@remix-run/react';
import { App } from 'antd';
import { useT } from './i18n';

/**
 * Runs a submission only while the browser is online. Sent offline it would fail, and a failed
 * submission takes the page to its error boundary, so what the person typed would be gone; instead the
 * form stays as it is and a message says to send it once the network is back. Returns what `send` did.
 */
export function useWhenOnline() {
  const { message } = App.useApp();
  const t = useT();
  return <R>(send: () => R): R | undefined => {
    if (navigator.onLine) return send();
    message.error(t('error.offlineSubmit'));
    return undefined;
  };
}

/** `useSubmit()`, through `useWhenOnline`: every form of the app submits with this. */
export function useSubmitOnline(): SubmitFunction {
  const submit = useSubmit();
  const whenOnline = useWhenOnline();
  return (target, options) => whenOnline(() => submit(target, options)) ?? Promise.resolve();
}

/** For a plain `<Form method="post">`: its `onSubmit`, which stops the sending while offline. */
export function useOnlineSubmitHandler() {
  const whenOnline = useWhenOnline();
  return (event: FormEvent) => { if (!whenOnline(() => true)) event.preventDefault(); };
}

/**
 * A form sent to a list page (an index route: 协商日程's 新建日程) left `?index`, Remix's marker for that
 * route's action, in the address bar. Once the answer is in, the marker goes (replacing the history entry),
 * so that the address is the page's own again, to share or bookmark.
 */
export function useIndexMarkerDropped() {
  const location = useLocation();
  const idle = useNavigation().state === 'idle';
  const navigate = useNavigate();
  useEffect(() => {
    if (!idle) return;
    const params = new URLSearchParams(location.search);
    if (!params.has('index')) return;
    params.delete('index');
    const search = params.toString();
    navigate({ pathname: location.pathname, search: search ? `?${search}` : '', hash: location.hash }, { replace: true, preventScrollReset: true });
  }, [location, idle]);
}
