import { useEffect } from 'react';

/** What may take the focus (`usable` says whether it can now). */
export const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]';
/** How long a lost control's return is waited for: an action's answer and the page's new data. */
const RETURN_WAIT_MS = 5000;

/** What a person knows a control by: its name, else its label, else its text. */
function identity(el: Element): string {
  const name = el.getAttribute('aria-label') ?? el.closest('label')?.textContent ?? el.textContent ?? '';
  return `${el.tagName}|${el.getAttribute('type') ?? ''}|${name.trim()}`;
}

/** Connected, enabled and shown: can take the focus now. */
export const usable = (el: Element): el is HTMLElement => el instanceof HTMLElement && el.isConnected && !el.matches(':disabled')
  && el.getClientRects().length > 0;

/**
 * Tab from the last control of `container` goes round to its first, Shift+Tab from the first to the last:
 * for what antd renders at the end of the page (a confirmation's bubble, a drawer), where Tab from the last
 * control would leave the page (to the document's body, or the browser's own controls).
 */
export function keepTabWithin(container: HTMLElement, e: { key: string; shiftKey: boolean; preventDefault(): void }) {
  if (e.key !== 'Tab') return;
  const stops = [...container.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => usable(el) && el.tabIndex >= 0);
  const [first, last] = [stops[0], stops[stops.length - 1]];
  if (!first) return;
  if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
  if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
}

/**
 * A control an action disables or replaces (同意联名 in the sponsors' drawer, a task's 移到 as
 * the card moves to another column, 全部标为已读 once nothing is unread) takes the keyboard's focus with
 * it, to the document's body: a screen reader then reads nothing, and where Tab goes next is up to the
 * browser. The focus goes to the page's content (`#main`, the skip link's target) at once, or to the part
 * of it the control was in when that part says it takes the focus (`data-focus-home`, e.g. a proposal's next
 * steps, whose buttons a step replaces), and back to the control when it is usable again, or to the one that
 * replaced it (the same kind, the same name), unless the person has moved on meanwhile. Inside a dialog (a
 * drawer such as 联名与签署, a confirm) the dialog's content plays the part of `#main`. Chromium reports the
 * loss as a `focusout` naming no next element.
 */
export function useFocusRescue() {
  useEffect(() => {
    const main = document.getElementById('main');
    if (!main) return;
    let lost: { element: HTMLElement; identity: string; scope: HTMLElement; home: HTMLElement; until: number } | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let frame = 0;

    const giveBack = () => {
      frame = 0;
      if (!lost) return;
      if (document.activeElement !== lost.home || Date.now() > lost.until) { lost = null; return; }
      const { element, identity: wanted, scope } = lost;
      const back = usable(element) ? element
        : [...scope.querySelectorAll(FOCUSABLE)].find((el) => identity(el) === wanted && usable(el));
      if (back) {
        lost = null;
        (back as HTMLElement).focus();
      }
    };
    const schedule = () => { if (lost && !frame) frame = requestAnimationFrame(giveBack); };

    const onFocusOut = (e: FocusEvent) => {
      const left = e.target;
      if (e.relatedTarget || !(left instanceof HTMLElement) || left === main) return;
      // A dialog (drawer, modal) lies outside #main; its own content is the place to fall back to there.
      const dialog = left.closest<HTMLElement>('[role="dialog"]');
      const scope = dialog ?? (main.contains(left) ? main : null);
      if (!scope) return;
      const marked = left.parentElement?.closest<HTMLElement>('[data-focus-home]');
      const known = { element: left, identity: identity(left), scope, home: marked && scope.contains(marked) ? marked : scope };
      clearTimeout(timer);
      timer = setTimeout(() => {
        const gone = !left.isConnected || left.matches(':disabled');
        if (!gone || document.activeElement !== document.body) return;
        // A dialog closed meanwhile is no home: the page's content is.
        const home = known.home.isConnected && known.scope.isConnected ? known.home : main;
        if (home === known.scope && home !== main && !home.hasAttribute('tabindex')) home.tabIndex = -1;
        home.focus({ preventScroll: true });
        lost = { ...known, home, scope: home === main ? main : known.scope, until: Date.now() + RETURN_WAIT_MS };
        schedule();
      });
    };
    document.addEventListener('focusout', onFocusOut);
    const observer = new MutationObserver(schedule);
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
    return () => {
      document.removeEventListener('focusout', onFocusOut);
      observer.disconnect();
      clearTimeout(timer);
      cancelAnimationFrame(frame);
    };
  }, []);
}
