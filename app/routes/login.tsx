import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form as RemixForm, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { Alert, Button, Card, Input, Typography } from 'antd';
import { login } from '../../server/services/login';
import { loginSchema } from '../../shared/validation/schemas';
import { parseWith, type FieldErrors } from '../../shared/validation/parse';
import { clientIp, commitSession, getUser } from '../lib/session.server';
import { safeRedirect } from '../lib/redirect.server';
import { readInput } from '../lib/input.server';
import { pageTitle, useT } from '../lib/i18n';
import { useOnlineSubmitHandler } from '../lib/submit';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction = (args) => pageTitle(args, 'login.submit');

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getUser(request, context)) throw redirect('/');
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = parseWith(loginSchema, await readInput(request));
  if (!parsed.ok) return data({ errors: parsed.errors }, { status: 400 });
  const result = await login(context.db, {
    username: parsed.data.username,
    password: parsed.data.password,
    ip: clientIp(context),
    userAgent: request.headers.get('User-Agent') ?? '',
  });
  if (!result.ok) {
    const errors: FieldErrors = { _form: result.error === 'tooManyAttempts' ? 'login.tooManyAttempts' : 'login.invalid' };
    return data({ errors }, { status: result.error === 'tooManyAttempts' ? 429 : 401 });
  }
  return redirect(safeRedirect(parsed.data.redirectTo, request.url), {
    headers: { 'Set-Cookie': await commitSession(context, result.token) },
  });
}

/** A plain form: login works before (and without) JavaScript. */
export default function LoginPage() {
  const t = useT();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state !== 'idle';
  const onlineOnly = useOnlineSubmitHandler();
  const errors: FieldErrors = result?.errors ?? {};
  const field = (name: string) =>
    errors[name] ? <div id={`${name}-error`} role="alert" style={{ color: '#cf1322', marginTop: 4 }}>{t(errors[name])}</div> : null;

  return (
    <main style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f5f5f5' }}>
      <Card style={{ width: 380 }}>
        <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>{t('app.title')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
        {errors._form && <Alert type="error" showIcon title={t(errors._form)} style={{ marginBottom: 16 }} role="alert" />}
        {/* Offline, nothing is sent and what was typed stays (app/lib/submit.ts). */}
        <RemixForm method="post" noValidate onSubmit={onlineOnly}>
          <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? '/'} />
          <div style={{ marginBottom: 16 }}>
            <label htmlFor="username">{t('login.username')}</label>
            <Input id="username" name="username" autoComplete="username" autoFocus
              status={errors.username ? 'error' : undefined} aria-invalid={!!errors.username}
              aria-describedby={errors.username ? 'username-error' : undefined} style={{ marginTop: 4 }} />
            {field('username')}
          </div>
          <div style={{ marginBottom: 24 }}>
            <label htmlFor="password">{t('login.password')}</label>
            <Input.Password id="password" name="password" autoComplete="current-password"
              status={errors.password ? 'error' : undefined} aria-invalid={!!errors.password}
              aria-describedby={errors.password ? 'password-error' : undefined} style={{ marginTop: 4 }} />
            {field('password')}
          </div>
          <Button type="primary" htmlType="submit" block loading={busy}>{t('login.submit')}</Button>
        </RemixForm>
      </Card>
    </main>
  );
}
