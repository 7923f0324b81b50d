import { PolicyError } from '../../shared/policy';
import { InputError, NotFoundError } from '../../server/services/errors';

/** The error a service call was refused with; fails the test if it was not refused. */
export async function refusal(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (err) {
    return err;
  }
  throw new Error('expected a refusal');
}

/** The HTTP status a refusal becomes (policy 403/404, unknown id 404, input 400/429), 500 for anything else. */
export const refusalStatus = (err: unknown): number =>
  err instanceof PolicyError ? err.status : err instanceof NotFoundError ? 404 : err instanceof InputError ? err.status : 500;
