import { useEffect } from 'react';

/**
 * A button an action disables or removes (全部标为已读 once nothing is unread, a step's button once taken)
 * takes the keyboard's focus with it, to the document's body: a screen reader then reads nothing, and
 * where Tab goes next is up to the browser. Focus goes to the page's content instead (`#main`, the skip
 * link's target), without scrolling. Chromium says so with a `focusout` that names no next element.
 */
export function useFocusRescue() {
  useEffect(() => {
    const main = document.getElementById('main');
    if (!main) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onFocusOut = (e: FocusEvent) => {
      const left = e.target;
      if (e.relatedTarget || !(left instanceof HTMLElement) || !main.contains(left)) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        const lost = !left.isConnected || left.matches(':disabled');
        if (lost && document.activeElement === document.body) main.focus({ preventScroll: true });
      });
    };
    document.addEventListener('focusout', onFocusOut);
    return () => {
      document.removeEventListener('focusout', onFocusOut);
      clearTimeout(timer);
    };
  }, []);
}
