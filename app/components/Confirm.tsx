import { useId, useRef } from 'react';
import { Popconfirm, type PopconfirmProps } from 'antd';
import { keepTabWithin, usable } from '../lib/focus-rescue';

/**
 * antd's Popconfirm, usable from the keyboard. Its bubble is rendered at the end of the page, beyond
 * the Tab order's reach from the button that opened it: a keyboard could open it and never confirm.
 * Once open and in place beside its button, the focus goes to its confirm button (without scrolling:
 * focused before it was placed, the page jumped to the top and the bubble was out of sight); closed
 * (confirmed, cancelled, Esc), back to the button that opened it, if the page still has it. Every
 * confirmation in the app is one of these.
 */
/** Tab and Shift+Tab go round the bubble's buttons while it is open. */
function keepTabIn(bubble: HTMLElement) {
  if (bubble.dataset.tabKept) return;
  bubble.dataset.tabKept = 'true';
  bubble.addEventListener('keydown', (e) => keepTabWithin(bubble, e));
}

export function Confirm({ okButtonProps, onOpenChange, afterOpenChange, ...props }: PopconfirmProps) {
  const opener = useRef<HTMLElement | null>(null);
  const confirmId = useId();
  return (
    <Popconfirm destroyOnHidden okButtonProps={{ id: confirmId, ...okButtonProps }} {...props}
      onOpenChange={(open) => {
        if (open) {
          opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
        } else {
          const back = opener.current;
          // Unless the focus went elsewhere meanwhile: still in the closing bubble (it goes with it), or lost.
          setTimeout(() => {
            const at = document.activeElement;
            const lost = !at || at === document.body || !at.isConnected || at.closest('.ant-popconfirm') !== null;
            if (lost && back && usable(back)) back.focus({ preventScroll: true });
          });
        }
        onOpenChange?.(open);
      }}
      afterOpenChange={(open) => {
        const confirm = document.getElementById(confirmId);
        if (open && confirm) {
          confirm.focus({ preventScroll: true });
          keepTabIn(confirm.closest<HTMLElement>('.ant-popover') ?? confirm);
        }
        afterOpenChange?.(open);
      }} />
  );
}
