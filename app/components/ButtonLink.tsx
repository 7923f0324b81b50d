import { useHref, useLinkClickHandler } from '@remix-run/react';
import { Button, type ButtonProps } from 'antd';

/**
 * A link that looks like the buttons beside it: antd's Button (its size, its 32 px to tap), moving within the
 * app as a Remix Link does; a click with a modifier (a new tab, a new window) stays the browser's. A bare
 * `<Link className="ant-btn">` lacks the classes antd scopes its styles by, and was drawn as 20 px of text.
 */
export function ButtonLink({ to, replace, preventScrollReset, ...button }:
  Omit<ButtonProps, 'href' | 'onClick'> & { to: string; replace?: boolean; preventScrollReset?: boolean }) {
  const href = useHref(to);
  const follow = useLinkClickHandler<HTMLElement>(to, { replace, preventScrollReset });
  return <Button {...button} href={href} onClick={follow} />;
}
