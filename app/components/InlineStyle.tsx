import { useNonce } from '../lib/nonce';

/** A component's own stylesheet, inline: it carries the page's CSP nonce, without which the browser ignores it. */
export function InlineStyle({ css }: { css: string }) {
  return <style nonce={useNonce()} dangerouslySetInnerHTML={{ __html: css }} />;
}
