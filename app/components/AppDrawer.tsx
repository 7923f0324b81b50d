import { useEffect, useRef } from 'react';
import { Drawer, type DrawerProps } from 'antd';
import { keepTabWithin } from '../lib/focus-rescue';

/** How long after a drawer closes its focus may still be dropped (its closing motion). */
const CLOSING_MS = 1000;

/**
 * antd's Drawer, usable from the keyboard; every drawer in the app is one of these.
 * - Tab goes round the drawer's controls: from its last one it left the page (the drawer is at its end).
 * - Closed, the focus goes back to the control that opened it, else to the page's content. antd gives it
 *   back itself, except when the drawer is closed (Esc) while still opening (antd waits for an end of motion
 *   that never comes) and when a drawer that is a page of its own (历史版本, 联名与签署) closes by leaving that
 *   page: the focus stayed on `<body>`. The opener is read as the drawer opens, before the focus moves in.
 */
export function AppDrawer({ open, onKeyDown, ...props }: DrawerProps) {
  const opener = useRef<HTMLElement | null>(null);
  const wasOpen = useRef(false);
  if (open && !wasOpen.current && typeof document !== 'undefined') {
    const active = document.activeElement;
    opener.current = active instanceof HTMLElement && active !== document.body ? active : null;
  }
  wasOpen.current = !!open;

  const shown = useRef(false);
  useEffect(() => {
    if (open) { shown.current = true; return; }
    if (!shown.current) return;
    shown.current = false;
    return giveFocusBack(opener.current);
  }, [open]);
  // Unmounted while open (its page left): the same, once the page it leaves for is in place.
  useEffect(() => () => { if (shown.current) giveFocusBack(opener.current); }, []);

  return (
    <Drawer open={open} {...props}
      onKeyDown={(e) => { keepTabWithin(e.currentTarget, e); onKeyDown?.(e); }} />
  );
}

/**
 * Moves the focus to `opener` (else `#main`) once the closing drawer has dropped it, unless it went
 * elsewhere meanwhile (antd, or the person, placed it). Returns a cancel.
 */
function giveFocusBack(opener: HTMLElement | null): () => void {
  const until = Date.now() + CLOSING_MS;
  let frame = 0;
  const check = () => {
    const active = document.activeElement;
    const main = document.getElementById('main');
    // Dropped: on <body>, or on #main where the focus rescue puts what a closed dialog dropped.
    if (!active || active === document.body || active === main) {
      const back = opener?.isConnected ? opener : main;
      if (back !== active) back?.focus({ preventScroll: true });
      return;
    }
    if (active.closest('.ant-drawer') && Date.now() < until) frame = requestAnimationFrame(check);
  };
  frame = requestAnimationFrame(check);
  return () => cancelAnimationFrame(frame);
}
