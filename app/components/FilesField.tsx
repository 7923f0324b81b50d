import { useRef } from 'react';
import { Button, Space, Typography } from 'antd';
import { DeleteOutlined, PaperClipOutlined } from '@ant-design/icons';
import { useT } from '../lib/i18n';
import type { FieldAria } from './DayField';

/** A file's size as people read it: 350 KB, 2.4 MB. */
export function fileSize(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

interface FilesFieldProps extends FieldAria {
  id?: string;
  value?: File[];
  onChange?: (files: File[]) => void;
  /** The `accept` of the file input: extensions with their dots. */
  accept: string;
}

/**
 * Files chosen for a form (a Form.Item's control; AppForm sends them as multipart): each choice adds
 * to the list below, which is what will be sent, each with its size and a button to take it off. The
 * native input is emptied after each choice, so that it never claims files the list no longer has.
 */
export function FilesField({ id, value = [], onChange, accept, ...aria }: FilesFieldProps) {
  const t = useT();
  const input = useRef<HTMLInputElement>(null);
  return (
    <div>
      <input
        ref={input} id={id} type="file" multiple accept={accept} {...aria}
        onChange={(e) => {
          const chosen = Array.from(e.target.files ?? []);
          if (input.current) input.current.value = '';
          onChange?.([...value, ...chosen]);
        }}
      />
      {value.length > 0 && (
        <ul style={{ listStyle: 'none', padding: 0, margin: '8px 0 0' }} aria-label={t('files.chosen')}>
          {value.map((f, i) => (
            <li key={`${f.name}-${i}`}>
              <Space size={4}>
                <PaperClipOutlined aria-hidden="true" />
                <Typography.Text>{f.name}</Typography.Text>
                <Typography.Text type="secondary">{fileSize(f.size)}</Typography.Text>
                <Button type="text" size="small" icon={<DeleteOutlined aria-hidden="true" />} aria-label={t('files.remove', { name: f.name })}
                  onClick={() => onChange?.(value.filter((_, j) => j !== i))} />
              </Space>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
