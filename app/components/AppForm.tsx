import { useEffect, useRef, type ReactNode } from 'react';
import { Form, type FormProps, type GetRef } from 'antd';
import { useActionData } from '@remix-run/react';
import { useSubmitOnline } from '../lib/submit';
import type { z } from 'zod';
import { parseWith, type FieldErrors } from '../../shared/validation/parse';
import { useT } from '../lib/i18n';
import { FOCUSABLE, usable } from '../lib/focus-rescue';
import { submissionKey } from '../lib/submission-key';

interface AppFormProps<S extends z.ZodTypeAny> extends Omit<FormProps, 'onFinish' | 'children'> {
  schema: S;
  /** Sent with the values so one route can serve several forms. */
  intent?: string;
  action?: string;
  children: ReactNode;
  /** Clear the fields after a successful submission. */
  resetOnSuccess?: boolean;
}

const hasFiles = (values: Record<string, unknown>) =>
  Object.values(values).some((v) => Array.isArray(v) && v.some((f) => f instanceof File));

/** Values with files as a multipart body: a list becomes repeated fields (the action reads them back as one list). */
function asFormData(values: Record<string, unknown>): FormData {
  const body = new FormData();
  for (const [key, value] of Object.entries(values)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v instanceof File) body.append(key, v, v.name);
      else if (v !== undefined && v !== null) body.append(key, String(v));
    }
  }
  return body;
}

/**
 * An antd form validated by the same zod schema as its action: errors appear beside the field,
 * in the user's language, before sending and again if the server refuses (400). Sent as JSON, or as
 * multipart when a field holds files (FilesField).
 */
export function AppForm<S extends z.ZodTypeAny>({ schema, intent, action, children, resetOnSuccess, ...props }: AppFormProps<S>) {
  const [form] = Form.useForm(props.form);
  const submit = useSubmitOnline();
  const t = useT();
  const result = useActionData<{ ok: boolean; errors?: FieldErrors; intent?: string }>();

  // Names this submission until it is answered, so that one sent again is done once (see submitForm).
  const once = useRef(submissionKey());
  const root = useRef<GetRef<typeof Form>>(null);
  // The first field in error on screen takes the focus (a group's first choice, for a group), so that the
  // keyboard is where the fix is and a screen reader reads the field with its message, once shown.
  const showErrors = (errors: FieldErrors) => {
    const fields = Object.entries(errors);
    form.setFields(fields.map(([name, key]) => ({ name, errors: [t(key)] })));
    requestAnimationFrame(() => {
      const within = root.current?.nativeElement;
      const controls = fields.map(([name]) => within?.querySelector(`#${CSS.escape(props.name ? `${props.name}_${name}` : name)}`))
        .map((el) => (el && !el.matches(FOCUSABLE) ? el.querySelector(FOCUSABLE) : el))
        .filter((el): el is HTMLElement => !!el && usable(el));
      const first = controls.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1))[0];
      first?.focus({ preventScroll: true });
      first?.scrollIntoView({ block: 'center' });
    });
  };

  // The action's result arrives as the page's data starts reloading (not once it is idle).
  useEffect(() => {
    if (!result || (result.intent && result.intent !== intent)) return;
    once.current = submissionKey();
    if (result.errors) showErrors(result.errors);
    else if (result.ok && resetOnSuccess) form.resetFields();
  }, [result]);

  return (
    <Form
      layout="vertical"
      requiredMark={false}
      {...props}
      ref={root}
      form={form}
      onValuesChange={(changed, all) => {
        // A field's error goes away as soon as it is edited; the next submit validates again.
        form.setFields(Object.keys(changed).map((name) => ({ name, errors: [] })));
        props.onValuesChange?.(changed, all);
      }}
      onFinish={(values) => {
        const parsed = parseWith(schema, values);
        if (!parsed.ok) return showErrors(parsed.errors);
        const sent = { ...values, ...(intent ? { intent } : {}), _once: once.current };
        if (!hasFiles(sent)) return submit(sent, { method: 'post', encType: 'application/json', action });
        submit(asFormData(sent), { method: 'post', encType: 'multipart/form-data', action });
      }}
    >
      {children}
    </Form>
  );
}
