/**
 * A resource route (no page) answers `fetch` calls: `data(...)` from submitForm would reach the
 * client as a 200 whatever its status, so these routes turn it into a JSON response that keeps it
 * (400 with the field's message key, 429, 409 …).
 */
export function jsonResponse(result: { data: unknown; init: ResponseInit | null }): Response {
  return Response.json(result.data, { ...result.init, headers: { 'Cache-Control': 'no-store', ...(result.init?.headers as Record<string, string> | undefined) } });
}
