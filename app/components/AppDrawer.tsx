import { useEffect, useRef } from 'react';
import { Drawer, type DrawerProps } from 'antd';

/** How long after a drawer closes its focus may still be dropped (its closing motion). */
const CLOSING_MS = 1000;

/**
 * antd's Drawer, and the focus back on the control that opened it once it has closed. antd gives it back
 * itself, except when the drawer is closed (Esc) while it is still opening: the focus fell to `<body>` and
 * stayed there (antd's own return waits for an end of motion that never comes). The opener is read as the
 * drawer opens, before antd moves the focus into it.
 */
export function AppDrawer({ open, ...props }: DrawerProps) {
  const opener = useRef<HTMLElement | null>(null);
  const wasOpen = useRef(false);
  if (open && !wasOpen.current && typeof document !== 'undefined') {
    const active = document.activeElement;
    opener.current = active instanceof HTMLElement && active !== document.body ? active : null;
  }
  wasOpen.current = !!open;

  useEffect(() => {
    if (open || !opener.current) return;
    const until = Date.now() + CLOSING_MS;
    let frame = 0;
    const check = () => {
      const active = document.activeElement;
      if (!active || active === document.body) {
        const back = opener.current?.isConnected ? opener.current : document.getElementById('main');
        back?.focus({ preventScroll: true });
        return;
      }
      // Still in the closing drawer: wait; anywhere else, antd (or the person) has placed it.
      if (active.closest('.ant-drawer') && Date.now() < until) frame = requestAnimationFrame(check);
    };
    frame = requestAnimationFrame(check);
    return () => cancelAnimationFrame(frame);
  }, [open]);

  return <Drawer open={open} {...props} />;
}
