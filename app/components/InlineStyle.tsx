import { useNonce } from '../lib/nonce';

/**
 * A component's own stylesheet, inline: it carries the page's CSP nonce, without which the browser ignores it.
 * Browsers hide a nonce attribute from the DOM (it reads ""), which React's development build reports as a
 * hydration mismatch: suppressHydrationWarning.
 */
export function InlineStyle({ css }: { css: string }) {
  return <style nonce={useNonce()} suppressHydrationWarning dangerouslySetInnerHTML={{ __html: css }} />;
}
