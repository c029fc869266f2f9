import { UpstreamError } from '../errors.js';

/**
 * ComfyUI's answers: the queue answer of `POST /prompt`, its validation refusal, and the history
 * entry of a prompt (PromptQueue.task_done in execution.py: `outputs` by node id, each SaveImage's
 * `images: [{filename, subfolder, type}]`, and `status: {status_str: 'success' | 'error', completed,
 * messages: [[event, data]...]}`).
 */

export interface OutputFile {
  filename: string;
  subfolder: string;
  type: string;
}

export function readQueued(body: any): string {
  if (typeof body?.prompt_id !== 'string' || !body.prompt_id) throw new UpstreamError('bad_response', 'ComfyUI queued the prompt without a prompt_id');
  const problems = describeNodeErrors(body.node_errors);
  // A graph with some invalid outputs is still queued for the valid ones: not what was asked for.
  if (problems) throw new UpstreamError('rejected', `the workflow failed validation: ${problems}`);
  return body.prompt_id;
}

/** `{error: {message, details}, node_errors}` of a refused prompt, as one line. */
export function describeRefusal(body: any, fallback: string): string {
  const error = body?.error;
  const head = typeof error === 'string' ? error : typeof error?.message === 'string' ? error.message : fallback;
  const details = typeof error?.details === 'string' && error.details ? ` (${error.details})` : '';
  const nodes = describeNodeErrors(body?.node_errors);
  return `${head}${details}${nodes ? `: ${nodes}` : ''}`.slice(0, 500);
}

function describeNodeErrors(nodeErrors: unknown): string {
  if (!nodeErrors || typeof nodeErrors !== 'object') return '';
  const parts: string[] = [];
  for (const [id, entry] of Object.entries(nodeErrors as Record<string, any>)) {
    const errors = Array.isArray(entry?.errors) ? entry.errors : [];
    const what = errors.map((e: any) => [e?.message, e?.details].filter((s) => typeof s === 'string' && s).join(': ')).filter(Boolean).join('; ');
    parts.push(`node ${id}${typeof entry?.class_type === 'string' ? ` (${entry.class_type})` : ''}${what ? `: ${what}` : ''}`);
  }
  return parts.join('; ');
}

/**
 * The output files once the prompt has run; undefined while it is queued or running (no history
 * entry yet). Files saved to `output` (SaveImage) are taken; a workflow that only previews (`temp`)
 * gives those instead.
 */
export function readHistory(body: any, promptId: string): OutputFile[] | undefined {
  const entry = body?.[promptId];
  if (entry === undefined || entry === null) return undefined;
  const status = entry.status;
  if (status?.status_str === 'error') throw new UpstreamError('server_error', `the workflow failed: ${executionError(status.messages)}`);
  // Entries are written when the prompt ends; older servers wrote no status at all.
  if (status && status.status_str !== 'success' && status.completed !== true) return undefined;
  const files: OutputFile[] = [];
  for (const output of Object.values((entry.outputs ?? {}) as Record<string, any>)) {
    for (const image of Array.isArray(output?.images) ? output.images : []) {
      if (typeof image?.filename === 'string' && image.filename) {
        files.push({ filename: image.filename, subfolder: typeof image.subfolder === 'string' ? image.subfolder : '', type: typeof image.type === 'string' ? image.type : 'output' });
      }
    }
  }
  const saved = files.filter((f) => f.type === 'output');
  const chosen = saved.length > 0 ? saved : files;
  if (chosen.length === 0) throw new UpstreamError('bad_response', 'the workflow ran but produced no image (does it end in a SaveImage node?)');
  return chosen;
}

function executionError(messages: unknown): string {
  const list = Array.isArray(messages) ? messages : [];
  const failure = list.find((m) => Array.isArray(m) && (m[0] === 'execution_error' || m[0] === 'execution_interrupted'));
  if (!failure) return 'no detail given';
  const data = failure[1] ?? {};
  if (failure[0] === 'execution_interrupted') return `interrupted at node ${data.node_id ?? '?'}`;
  const where = `node ${data.node_id ?? '?'}${data.node_type ? ` (${data.node_type})` : ''}`;
  return `${where}: ${[data.exception_type, data.exception_message].filter(Boolean).join(': ').trim() || 'error'}`.slice(0, 500);
}
