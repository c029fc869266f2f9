import { UpstreamError } from '../errors.js';
import { callUpstream } from '../http.js';
import { describeError, failureKind, firstError } from './errors.js';

/**
 * Runware's REST API (https://runware.ai/docs/platform/authentication): every call is a POST of a
 * JSON array of tasks to the base URL itself, authenticated with `Authorization: Bearer <key>` (the
 * alternative, an `authentication` task in the array, would put the key in the body: not used).
 */

export const DEFAULT_BASE_URL = 'https://api.runware.ai/v1';

export interface RunwareSettings {
  apiKey: string;
  baseUrl: string;
}

/** Sends the tasks and returns the answer body; any failure becomes the UpstreamError its code and status mean. */
export async function postTasks(settings: RunwareSettings, tasks: object[], signal: AbortSignal): Promise<unknown> {
  // callUpstream words errors from `error`/`detail`; Runware's are in `errors[]`, so the body is kept to reword them.
  let failedBody: unknown;
  try {
    const response = await callUpstream(settings.baseUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${settings.apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(tasks),
      signal,
    }, (status, body) => {
      failedBody = body;
      return failureKind(status, firstError(body));
    });
    return response.body;
  } catch (error) {
    if (!(error instanceof UpstreamError) || error.status === undefined) throw error;
    throw new UpstreamError(error.kind, describeError(firstError(failedBody), error.message), error.status, error.retryAfter);
  }
}
