import { useEffect, useState } from 'react';
import {
  redirect, unstable_parseMultipartFormData, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction,
  type UploadHandler,
} from '@remix-run/node';
import { Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useSubmitOnline } from '../lib/submit';
import { Alert, Button, Card, Form, Input, Radio, Select, Space, Typography } from 'antd';
import { z } from 'zod';
import { importDraft } from '../../server/services/draft-word';
import { authorize } from '../../shared/policy';
import { DOCX_MAX_BYTES, DRAFT_KINDS, draftCreateSchema } from '../../shared/validation/drafts';
import { parseWith, type FieldErrors } from '../../shared/validation/parse';
import { callContext, guard, requireUser } from '../lib/session.server';
import { badRequest, submitForm, type ActionResult } from '../lib/input.server';
import { pageTitle, useT } from '../lib/i18n';
import { newDraftChoices } from '../lib/draft-form.server';
import { WorkspaceVisibilityField } from '../components/VisibilityField';
export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

export const meta: MetaFunction = (args) => pageTitle(args, 'word.importTitle');

/** The fields besides the file: those of a new draft, the title optional (the file name stands in). */
const importSchema = draftCreateSchema.extend({
  title: z.string({ invalid_type_error: 'validation.invalid' }).trim().max(200, 'validation.tooLong').optional(),
});

/** On the server, with the uploaded file itself. */
const uploadSchema = importSchema.extend({
  file: z.custom<File>((f) => f instanceof File && f.size > 0 && !!f.name, { message: 'word.fileRequired' }),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  return { ...(await newDraftChoices(request, context)), maxBytes: DOCX_MAX_BYTES };
}

/**
 * Reads every part into memory: the body is already capped at DOCX_UPLOAD_MAX_BYTES before Remix reads
 * it (server/security.ts answers 413 past the cap, declared or counted).
 */
const memoryUploadHandler: UploadHandler = async ({ filename, data, contentType }) => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of data) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  return filename === undefined ? bytes.toString('utf8') : new File([bytes], filename, { type: contentType });
};

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  await guard(async () => authorize(user, 'draft.start', {}));
  if (!(request.headers.get('Content-Type') ?? '').startsWith('multipart/form-data')) return badRequest({ file: 'word.fileRequired' });
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, memoryUploadHandler);
  } catch {
    return badRequest({ file: 'word.unreadable' });
  }
  const fields = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string'));
  return submitForm(undefined, uploadSchema, { ...fields, file: form.get('file') }, async ({ workspaceId, file, ...input }) => {
    const bytes = Buffer.from(await file.arrayBuffer());
    const id = await importDraft(context.db, user, workspaceId, { ...input, fileName: file.name, file: bytes }, callContext(context));
    throw redirect(`/drafts/${id}`);
  });
}

const DOCX_NAME = /\.docx$/i;

/** 导入 Word 文档: a .docx becomes a new draft in one of my workspaces, owned by my committee. */
export default function ImportDraft() {
  const { workspaces, workspaceId, ownerOrgName, maxBytes } = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const busy = useNavigation().state !== 'idle';
  const submit = useSubmitOnline();
  const t = useT();
  const [form] = Form.useForm();
  const [file, setFile] = useState<File | null>(null);
  const [errors, setErrors] = useState<FieldErrors>(result && !result.ok ? result.errors : {});
  useEffect(() => { if (result && !result.ok) setErrors(result.errors); }, [result]);

  const status = (field: string) => (errors[field]
    ? { validateStatus: 'error' as const, help: <span data-testid={`error-${field}`}>{t(errors[field])}</span> }
    : {});
  const clear = (...fields: string[]) => setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !fields.includes(k))));

  const onFinish = (values: Record<string, unknown>) => {
    const parsed = parseWith(importSchema, values);
    const found: FieldErrors = parsed.ok ? {} : { ...parsed.errors };
    if (!file) found.file = 'word.fileRequired';
    else if (!DOCX_NAME.test(file.name)) found.file = 'word.notDocx';
    else if (file.size > maxBytes) found.file = 'word.tooLarge';
    if (Object.keys(found).length > 0) return setErrors(found);
    const body = new FormData();
    for (const [key, value] of Object.entries(values)) if (value != null) body.append(key, String(value));
    body.append('file', file!, file!.name);
    submit(body, { method: 'post', encType: 'multipart/form-data' });
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%', maxWidth: 760 }}>
      <Link to="/drafts">← {t('drafts.title')}</Link>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>{t('word.importTitle')}</Typography.Title>
      {workspaces.length === 0 ? (
        <Alert type="info" showIcon title={t('drafts.noWorkspaces')} />
      ) : (
        <Card>
          <Typography.Paragraph type="secondary">{t('word.importIntro')}</Typography.Paragraph>
          <Form form={form} layout="vertical" requiredMark={false} name="importDraft"
            initialValues={{ workspaceId: workspaceId ?? undefined, kind: 'proposal', visibility: 'org' }}
            onValuesChange={(changed) => clear(...Object.keys(changed))}
            onFinish={onFinish}>
            <Form.Item name="workspaceId" label={t('drafts.workspace')} {...status('workspaceId')}>
              <Select options={workspaces.map((w) => ({ value: w.id, label: w.name }))} placeholder={t('drafts.chooseWorkspace')} />
            </Form.Item>
            <Form.Item label={t('word.file')} htmlFor="import-file" extra={t('word.fileHelp')} {...status('file')}>
              <input
                id="import-file"
                type="file"
                name="file"
                data-testid="import-file"
                accept=".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                aria-invalid={errors.file ? true : undefined}
                onChange={(e) => { setFile(e.target.files?.[0] ?? null); clear('file'); }}
              />
            </Form.Item>
            <Form.Item name="title" label={t('drafts.titleField')} extra={t('word.titleHelp')} {...status('title')}>
              <Input maxLength={200} autoComplete="off" placeholder={file ? file.name.replace(DOCX_NAME, '') : undefined} />
            </Form.Item>
            <Form.Item name="kind" label={t('drafts.kind')} {...status('kind')}>
              <Radio.Group aria-label={t('drafts.kind')} optionType="button" options={DRAFT_KINDS.map((k) => ({ value: k, label: t(`draftKind.${k}`) }))} />
            </Form.Item>
            <Form.Item name="visibility" label={t('drafts.visibility')} extra={t('drafts.ownerOrg', { org: ownerOrgName })} {...status('visibility')}>
              <WorkspaceVisibilityField workspaces={workspaces} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="import-draft-submit">{t('word.submit')}</Button>
          </Form>
        </Card>
      )}
    </Space>
  );
}
