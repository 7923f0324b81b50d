/** LIKE patterns that match the user's text literally: %, _ and \ in it match themselves. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** `q` anywhere. */
export const containsPattern = (q: string) => `%${escapeLike(q)}%`;

/** Text that begins with `prefix`. */
export const prefixPattern = (prefix: string) => `${escapeLike(prefix)}%`;
