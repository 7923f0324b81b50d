import { useMemo, useState } from 'react';
import { Button, Form, Mentions, Space } from 'antd';
import { encodeMentions } from '../../../shared/validation/comments';
import { useT } from '../../lib/i18n';
import type { Person } from './CommentsPanel';

/** A comment form: a textarea with @ completion of the people who may read the draft. */
export function CommentForm({ label, placeholder, submitLabel, people, busy, error, autoFocus, onSubmit, onCancel, testId, text: kept, onTextChange }: {
  label: string; placeholder: string; submitLabel: string; people: Person[]; busy: boolean; error?: string;
  autoFocus?: boolean; onSubmit: (body: string) => void; onCancel?: () => void; testId: string;
  /** The text, when it outlives the form (a reply, kept while its thread moves in the list). */
  text?: string; onTextChange?: (text: string) => void;
}) {
  const t = useT();
  const [own, setOwn] = useState('');
  const text = kept ?? own;
  const setText = onTextChange ?? setOwn;
  const options = useMemo(() => people.map((p) => ({ key: p.id, value: p.name, label: `${p.name}（${p.org}）` })), [people]);
  // The form goes away once the comment is saved; on an error the text stays for another try.
  const submit = () => { onSubmit(encodeMentions(text, people)); };
  return (
    <Form layout="vertical" onFinish={submit} data-testid={testId} style={{ marginTop: 6 }}>
      <Form.Item label={label} validateStatus={error ? 'error' : undefined} help={error} style={{ marginBottom: 6 }}>
        <Mentions
          value={text} onChange={setText} options={options} placeholder={placeholder} autoFocus={autoFocus}
          autoSize={{ minRows: 2, maxRows: 8 }} aria-label={label} notFoundContent={t('comments.noMatch')}
          onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(); }}
        />
      </Form.Item>
      <Space size={6}>
        <Button size="small" type="primary" htmlType="submit" loading={busy}>{submitLabel}</Button>
        {onCancel && <Button size="small" onClick={onCancel}>{t('comments.cancel')}</Button>}
      </Space>
    </Form>
  );
}
