import { useEffect } from 'react';
import { isRouteErrorResponse, useRevalidator, useRouteError, useRouteLoaderData } from '@remix-run/react';
import { Button, Result, Typography } from 'antd';
import { useT } from '../lib/i18n';
import { useRevalidateWhenIdle } from '../realtime/hooks';

type Kind = 'notFound' | 'forbidden' | 'unreachable' | 'unexpected';

/** What the browser's fetch throws when no answer came (Chromium, Firefox, Safari wordings). */
const NO_ANSWER = /failed to fetch|networkerror|network error|load failed/i;

function kindOf(error: unknown): { kind: Kind; status: number | null } {
  if (isRouteErrorResponse(error)) {
    return { kind: error.status === 404 ? 'notFound' : error.status === 403 ? 'forbidden' : 'unexpected', status: error.status };
  }
  if (error instanceof TypeError && NO_ANSWER.test(error.message)) return { kind: 'unreachable', status: null };
  return { kind: 'unexpected', status: 500 };
}

/**
 * A page that could not be shown: missing, refused, the server out of reach, or failed. Reaching the
 * server again (or a passing failure) is worth one click, so those offer to try again; out of reach
 * because the network was gone, the page also tries again by itself when the browser is back online.
 * Signed in, it sits in the shell; signed out, it is the page's main content.
 */
export function PageError({ error }: { error: unknown }) {
  const t = useT();
  const revalidator = useRevalidator();
  const signedIn = !!useRouteLoaderData<{ user: unknown }>('root')?.user;
  const { kind, status } = kindOf(error);
  const retry = kind === 'unreachable' || kind === 'unexpected';
  const revalidateWhenIdle = useRevalidateWhenIdle();
  useEffect(() => {
    if (kind !== 'unreachable') return undefined;
    window.addEventListener('online', revalidateWhenIdle);
    return () => window.removeEventListener('online', revalidateWhenIdle);
  }, [kind, revalidateWhenIdle]);
  const result = (
    <Result
      status={kind === 'notFound' ? '404' : kind === 'forbidden' ? '403' : kind === 'unreachable' ? 'warning' : '500'}
      title={<Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>{t(`error.title.${kind}`)}</Typography.Title>}
      subTitle={status ? `${t(`error.${kind}`)} (${status})` : t(`error.${kind}`)}
      extra={[
        retry && (
          <Button key="retry" type="primary" loading={revalidator.state === 'loading'} onClick={() => revalidator.revalidate()}>
            {t('error.retry')}
          </Button>
        ),
        <Button key="home" type={retry ? 'default' : 'primary'} href="/">{t('error.backHome')}</Button>,
      ]}
    />
  );
  return signedIn ? result : <main style={{ padding: 48 }}>{result}</main>;
}

/**
 * Every page route exports this as its ErrorBoundary (`export { PageErrorBoundary as ErrorBoundary }`):
 * the error then takes the page's place inside the app's shell. An error that reached the root instead
 * would re-create the whole document in the browser, which antd's styles do not survive
 * (docs/decisions/023).
 */
export function PageErrorBoundary() {
  return <PageError error={useRouteError()} />;
}
