export { PageErrorBoundary as ErrorBoundary } from '../components/PageError';

/**
 * An address no page answers, read or posted to: a 404 from this route, so that the error shows inside
 * the shell in the browser too (from the root it would re-create the document: docs/decisions/023).
 */
export function loader(): never {
  throw new Response('not found', { status: 404 });
}

export const action = loader;

export default function Unknown() {
  return null;
}
