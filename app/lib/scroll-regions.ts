import { useEffect } from 'react';

const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';
/** The boxes a table scrolls sideways in: antd's own (`scroll.x`), or ours on a phone (AppShell's styles). */
const TABLE_BOXES = '.ant-table-content, .ant-table-container';

/**
 * On a phone a wide table scrolls sideways inside its box. A keyboard scrolls a box only from something
 * focusable inside it, and a table of figures has nothing: such a box becomes a named tab stop (axe's
 * `scrollable-region-focusable`), and stops being one once it fits again. Checked after the page
 * changes (once a frame at most) and when the window is resized.
 */
export function useScrollableTables(label: string) {
  useEffect(() => {
    const main = document.getElementById('main');
    if (!main) return;
    let frame = 0;
    const mark = () => {
      frame = 0;
      for (const box of main.querySelectorAll<HTMLElement>(TABLE_BOXES)) {
        const ours = box.dataset.scrollStop === 'true';
        const scrolls = box.scrollWidth > box.clientWidth && /auto|scroll/.test(getComputedStyle(box).overflowX);
        const needed = scrolls && !box.querySelector(FOCUSABLE);
        if (needed && !ours) {
          box.tabIndex = 0;
          box.dataset.scrollStop = 'true';
          box.setAttribute('role', 'region');
          // Named after its card's title where it has one: several tables on a page, several names (axe).
          const title = box.closest('.ant-card')?.querySelector('.ant-card-head-title')?.textContent?.trim();
          box.setAttribute('aria-label', title ? `${title} · ${label}` : label);
        } else if (ours && !scrolls) {
          box.removeAttribute('tabindex');
          box.removeAttribute('role');
          box.removeAttribute('aria-label');
          delete box.dataset.scrollStop;
        }
      }
    };
    const schedule = () => { if (!frame) frame = requestAnimationFrame(mark); };
    mark();
    const observer = new MutationObserver(schedule);
    // Children come and go; antd sizes its columns by setting styles once the rows are in.
    observer.observe(main, { childList: true, subtree: true, attributes: true, attributeFilter: ['style', 'class'] });
    window.addEventListener('resize', schedule);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', schedule);
      cancelAnimationFrame(frame);
    };
  }, [label]);
}
