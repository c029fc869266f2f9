import { UpstreamError } from '../errors.js';
import { trustedPollingUrl } from './api.js';

/**
 * BFL's answers: the submit answer (AsyncResponse: id, polling_url, cost in credits) and the poll
 * answer (ResultResponse: id, status, result, details), as https://api.bfl.ai/openapi.json defines
 * them. Statuses per https://docs.bfl.ml/api_integration/errors.
 */

export interface Submission {
  id: string;
  pollingUrl: string;
  /** BFL's price for the job (`cost`, in credits of $0.01), when it reports one. */
  costMicros?: number;
}

export interface ReadyResult {
  /** A signed URL on BFL's delivery hosts, valid for about 10 minutes. */
  sampleUrl: string;
  /** The prompt BFL reports having used, when it differs from the one sent (prompt upsampling). */
  prompt?: string;
}

const MICROS_PER_CREDIT = 10_000;

export function readSubmission(body: any, baseUrl: string): Submission {
  if (typeof body?.id !== 'string') throw new UpstreamError('bad_response', 'the provider accepted the job without an id');
  const cost = body.cost;
  return {
    id: body.id,
    pollingUrl: trustedPollingUrl(baseUrl, body.polling_url),
    ...(typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 && { costMicros: Math.round(cost * MICROS_PER_CREDIT) }),
  };
}

const MODERATED = new Set(['Request Moderated', 'Content Moderated']);
// `Error` and `Task not found` are documented; `Failed` is not, but is taken as the failure it names.
const FAILED = new Set(['Error', 'Failed', 'Task not found']);

/** The result once the job is Ready; undefined while it runs (`Pending`, or any status not known to end it). */
export function readPoll(body: any, sentPrompt: string): ReadyResult | undefined {
  const status = body?.status;
  if (typeof status !== 'string') throw new UpstreamError('bad_response', 'the poll answer has no status');
  if (status === 'Ready') {
    const sample = body.result?.sample;
    if (typeof sample !== 'string' || !sample) throw new UpstreamError('bad_response', 'the job is Ready but its result has no sample URL');
    const prompt = body.result?.prompt;
    return { sampleUrl: sample, ...(typeof prompt === 'string' && prompt && prompt !== sentPrompt && { prompt }) };
  }
  if (MODERATED.has(status)) throw new UpstreamError('content_policy', `${status}${detail(body)}`);
  if (FAILED.has(status)) throw new UpstreamError('server_error', `the job ended with status '${status}'${detail(body)}`);
  return undefined;
}

/** What BFL says about a failed job, if anything (`details`, or the `error` its examples show). */
function detail(body: any): string {
  const about = body.details ?? body.error;
  if (about === undefined || about === null) return '';
  return `: ${(typeof about === 'string' ? about : JSON.stringify(about)).slice(0, 300)}`;
}
