/**
 * ComfyUI's HTTP surface (server.py): `POST /prompt` queues an API-format graph and answers
 * `{prompt_id, number, node_errors}` (400 `{error, node_errors}` when it fails validation);
 * `GET /history/{prompt_id}` answers `{}` until the prompt has run, then `{[prompt_id]: {prompt,
 * outputs, status}}`; `GET /view?filename&subfolder&type` serves an output file; `POST /upload/image`
 * (multipart: `image`, `type`, `subfolder`, `overwrite`) stores an input and answers `{name,
 * subfolder, type}`. ComfyUI has no authentication of its own; COMFYUI_API_KEY, when set, is sent as
 * a bearer token for a reverse proxy in front of it.
 */

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8188';

const base = (baseUrl: string) => baseUrl.replace(/\/+$/, '');

export const promptUrl = (baseUrl: string) => `${base(baseUrl)}/prompt`;
export const historyUrl = (baseUrl: string, promptId: string) => `${base(baseUrl)}/history/${encodeURIComponent(promptId)}`;
export const uploadUrl = (baseUrl: string) => `${base(baseUrl)}/upload/image`;
export const viewUrl = (baseUrl: string, file: { filename: string; subfolder: string; type: string }) =>
  `${base(baseUrl)}/view?${new URLSearchParams({ filename: file.filename, subfolder: file.subfolder, type: file.type })}`;

export const authHeaders = (apiKey: string | undefined): Record<string, string> => (apiKey ? { authorization: `Bearer ${apiKey}` } : {});
