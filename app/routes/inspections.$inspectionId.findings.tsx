import type { ActionFunctionArgs } from '@remix-run/node';
import { createFinding } from '../../server/services/inspections';
import { findingSchema } from '../../shared/validation/inspections';
import { callContext, requireId, requireUser } from '../lib/session.server';
import { requireReadable } from '../lib/records.server';
import { readInput, submitForm } from '../lib/input.server';
import { jsonResponse } from '../lib/resource.server';

/**
 * POST /inspections/<id>/findings: quick entry in the field (JSON), also what a phone sends when an
 * entry made offline goes out; its client key makes a second send return the first finding.
 */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const id = requireId(params.inspectionId);
  await requireReadable(context, user, 'inspection', id);
  const input = await readInput(request);
  return jsonResponse(await submitForm('finding.create', findingSchema, input, (v) => createFinding(context.db, user, id, v, callContext(context)),
    (r) => ({ message: 'inspection.finding.created', vars: { findingId: r.findingId } })));
}
