/**
 * A random key naming one submission, so that the server can tell a submission sent again (a retry after a
 * lost answer, a second press) from a new one. Not `crypto.randomUUID()`: browsers offer that on HTTPS and
 * localhost only, and the app may be served over plain HTTP inside a committee's network.
 */
export function submissionKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
