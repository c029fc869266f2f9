import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Size } from '../../api/imageRequest.js';
import bundledWorkflow from './default-workflow.json' with { type: 'json' };

/**
 * ComfyUI workflows in the API format (what "Save (API Format)" / "Export (API)" writes, and what
 * `POST /prompt` takes as `prompt`): an object of nodes by id, each `{class_type, inputs}`, where an
 * input is a literal value or a link `[node_id, output_index]` (script_examples/basic_api_example.py).
 *
 * How a request gets into the graph - THE SUBSTITUTION RULE:
 *
 * 1. Placeholders. If any string input of any node holds `{{name}}`, the workflow is driven by
 *    placeholders only. An input that is exactly `"{{name}}"` becomes the typed value (a number for
 *    width, height, seed, batch_size, steps, cfg); a placeholder inside longer text is replaced as
 *    text (`"a photo of {{prompt}}, 35mm"`). Names: prompt, negative_prompt (default ""), width,
 *    height, seed (random unless sent), batch_size (n), steps (default 20), cfg (default 8: ComfyUI's
 *    KSampler defaults), image (the uploaded input image's name, for a LoadImage node) and checkpoint
 *    (COMFYUI_CHECKPOINT). Any other `{{name}}` makes the workflow invalid. Inputs without a
 *    placeholder are left exactly as the workflow has them.
 * 2. Well-known nodes, when the workflow has no placeholder at all (a graph exported unchanged):
 *    the CLIPTextEncode linked to a KSampler's (or KSamplerAdvanced's) `positive` input gets the
 *    prompt, the one linked to `negative` the negative prompt (only when one is sent); if no
 *    CLIPTextEncode is linked directly, a workflow with exactly one takes the prompt there. Every
 *    EmptyLatentImage / EmptySD3LatentImage gets width, height and batch_size; every KSampler gets
 *    seed (KSamplerAdvanced: noise_seed), and steps and cfg when sent; a workflow with exactly one
 *    LoadImage takes the input image there. Only literal inputs are set, never links.
 *
 * A workflow needs somewhere to put the prompt. One with an image slot edits images (and then needs
 * an input image); one without makes images from text only. Without a batch_size slot, `n` images
 * are made by queueing the graph n times with seeds seed, seed+1...
 */

export const SLOTS = ['prompt', 'negative_prompt', 'width', 'height', 'seed', 'batch_size', 'steps', 'cfg', 'image', 'checkpoint'] as const;
export type Slot = (typeof SLOTS)[number];

export interface GraphNode {
  class_type: string;
  inputs: Record<string, unknown>;
  [key: string]: unknown;
}
export type Graph = Record<string, GraphNode>;

export interface Workflow {
  graph: Graph;
  /** The file's name without its extension ("default" for the bundled one): it names the model. */
  name: string;
  mode: 'placeholders' | 'nodes';
  /** What the workflow lets a request set. */
  slots: Set<Slot>;
  /** The size `auto` means: the workflow's own latent size where it has a literal one. */
  defaultSize?: Size;
}

/** What a request puts into the graph (see the rule above for defaults and when each is used). */
export interface Values {
  prompt: string;
  negativePrompt?: string;
  width: number;
  height: number;
  seed: number;
  batchSize: number;
  steps?: number;
  cfg?: number;
  image?: string;
  checkpoint: string;
}

export class WorkflowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkflowError';
  }
}

/** The checkpoint `{{checkpoint}}` means without COMFYUI_CHECKPOINT: the one ComfyUI's own examples load. */
export const DEFAULT_CHECKPOINT = 'v1-5-pruned-emaonly.safetensors';
const PLACEHOLDER_DEFAULTS = { negativePrompt: '', steps: 20, cfg: 8 };
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{\s*([A-Za-z0-9_]+)\s*\}\}$/;
const NUMERIC_SLOTS = new Set<Slot>(['width', 'height', 'seed', 'batch_size', 'steps', 'cfg']);
const SAMPLERS: Record<string, string> = { KSampler: 'seed', KSamplerAdvanced: 'noise_seed' };
const EMPTY_LATENTS = new Set(['EmptyLatentImage', 'EmptySD3LatentImage']);

/**
 * The workflow COMFYUI_WORKFLOW names, or the bundled text-to-image one (SD checkpoint loader, CLIP
 * encode, KSampler, VAE decode, SaveImage) when it is unset. A set but unusable file is an error, never
 * replaced by the default: the operator asked for that workflow.
 */
export function loadWorkflow(env: Record<string, string | undefined>): Workflow {
  const file = env.COMFYUI_WORKFLOW?.trim();
  if (!file) return { ...parseWorkflow(bundledWorkflow, 'default'), defaultSize: { width: 512, height: 512 } };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new WorkflowError(`COMFYUI_WORKFLOW cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): ${file}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WorkflowError(`COMFYUI_WORKFLOW is not JSON: ${file}`);
  }
  return parseWorkflow(json, path.basename(file).replace(/\.[^.]*$/, '') || 'workflow');
}

/** The workflow, or undefined when it cannot be used (the provider is then unavailable). */
export function tryLoadWorkflow(env: Record<string, string | undefined>): Workflow | undefined {
  try {
    return loadWorkflow(env);
  } catch {
    return undefined;
  }
}

export function parseWorkflow(json: unknown, name: string): Workflow {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new WorkflowError('the workflow is not a JSON object');
  const raw = json as Record<string, unknown>;
  if (Array.isArray(raw.nodes) && Array.isArray(raw.links)) {
    throw new WorkflowError('the workflow is in the UI format: export it with "Save (API Format)" / "Export (API)"');
  }
  const graph: Graph = {};
  for (const [id, node] of Object.entries(raw)) {
    const n = node as Partial<GraphNode> | null;
    if (!n || typeof n !== 'object' || typeof n.class_type !== 'string' || !n.inputs || typeof n.inputs !== 'object' || Array.isArray(n.inputs)) {
      throw new WorkflowError(`node ${id} is not {class_type, inputs}: the workflow is not in the API format`);
    }
    graph[id] = n as GraphNode;
  }
  if (Object.keys(graph).length === 0) throw new WorkflowError('the workflow has no nodes');

  const placeholders = new Set<string>();
  for (const node of Object.values(graph)) {
    for (const value of Object.values(node.inputs)) {
      if (typeof value === 'string') for (const match of value.matchAll(PLACEHOLDER)) placeholders.add(match[1]!);
    }
  }
  let workflow: Workflow;
  if (placeholders.size > 0) {
    const unknown = [...placeholders].filter((p) => !(SLOTS as readonly string[]).includes(p));
    if (unknown.length > 0) throw new WorkflowError(`unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `{{${u}}}`).join(', ')} (known: ${SLOTS.join(', ')})`);
    workflow = { graph, name, mode: 'placeholders', slots: placeholders as Set<Slot> };
  } else {
    workflow = { graph, name, mode: 'nodes', slots: new Set(nodeTargets(graph).map((t) => t.slot)) };
    const latent = Object.values(graph).find((n) => EMPTY_LATENTS.has(n.class_type));
    const [width, height] = [latent?.inputs.width, latent?.inputs.height];
    if (typeof width === 'number' && typeof height === 'number') workflow.defaultSize = { width, height };
  }
  if (!workflow.slots.has('prompt')) {
    throw new WorkflowError(workflow.mode === 'placeholders'
      ? 'the workflow has no {{prompt}} placeholder'
      : 'no CLIPTextEncode feeds a KSampler\'s positive input: mark the prompt with "{{prompt}}"');
  }
  return workflow;
}

/** Where each value goes in a workflow without placeholders (see rule 2). */
interface Target {
  slot: Slot;
  node: string;
  input: string;
}

function nodeTargets(graph: Graph): Target[] {
  const targets: Target[] = [];
  const literal = (node: string, input: string) => graph[node] !== undefined && input in graph[node]!.inputs && !Array.isArray(graph[node]!.inputs[input]);
  const add = (slot: Slot, node: string, input: string) => {
    if (literal(node, input) && !targets.some((t) => t.node === node && t.input === input)) targets.push({ slot, node, input });
  };
  const linkedText = (sampler: GraphNode, input: string): string | undefined => {
    const link = sampler.inputs[input];
    const source = Array.isArray(link) ? String(link[0]) : undefined;
    return source !== undefined && graph[source]?.class_type === 'CLIPTextEncode' ? source : undefined;
  };
  const entries = Object.entries(graph);
  for (const [id, node] of entries) {
    const seedInput = SAMPLERS[node.class_type];
    if (!seedInput) continue;
    const positive = linkedText(node, 'positive');
    const negative = linkedText(node, 'negative');
    if (positive) add('prompt', positive, 'text');
    if (negative && negative !== positive) add('negative_prompt', negative, 'text');
    add('seed', id, seedInput);
    add('steps', id, 'steps');
    add('cfg', id, 'cfg');
  }
  const encoders = entries.filter(([, n]) => n.class_type === 'CLIPTextEncode');
  if (!targets.some((t) => t.slot === 'prompt') && encoders.length === 1) add('prompt', encoders[0]![0], 'text');
  for (const [id, node] of entries) {
    if (!EMPTY_LATENTS.has(node.class_type)) continue;
    add('width', id, 'width');
    add('height', id, 'height');
    add('batch_size', id, 'batch_size');
  }
  const loaders = entries.filter(([, n]) => n.class_type === 'LoadImage');
  if (loaders.length === 1) add('image', loaders[0]![0], 'image');
  return targets;
}

/** The graph to submit: a copy of the workflow's with the request's values in place. */
export function substitute(workflow: Workflow, values: Values): Graph {
  const graph = structuredClone(workflow.graph);
  if (workflow.mode === 'nodes') {
    const byslot: Partial<Record<Slot, unknown>> = {
      prompt: values.prompt,
      negative_prompt: values.negativePrompt,
      width: values.width,
      height: values.height,
      seed: values.seed,
      batch_size: values.batchSize,
      steps: values.steps,
      cfg: values.cfg,
      image: values.image,
    };
    for (const { slot, node, input } of nodeTargets(graph)) {
      const value = byslot[slot];
      if (value !== undefined) graph[node]!.inputs[input] = value;
    }
    return graph;
  }
  const bySlot: Record<Slot, string | number | undefined> = {
    prompt: values.prompt,
    negative_prompt: values.negativePrompt ?? PLACEHOLDER_DEFAULTS.negativePrompt,
    width: values.width,
    height: values.height,
    seed: values.seed,
    batch_size: values.batchSize,
    steps: values.steps ?? PLACEHOLDER_DEFAULTS.steps,
    cfg: values.cfg ?? PLACEHOLDER_DEFAULTS.cfg,
    image: values.image,
    checkpoint: values.checkpoint,
  };
  for (const node of Object.values(graph)) {
    for (const [input, value] of Object.entries(node.inputs)) {
      if (typeof value !== 'string') continue;
      const whole = WHOLE_PLACEHOLDER.exec(value)?.[1] as Slot | undefined;
      if (whole !== undefined) {
        node.inputs[input] = required(bySlot, whole);
        continue;
      }
      if (value.includes('{{')) node.inputs[input] = value.replace(PLACEHOLDER, (_, name: Slot) => String(required(bySlot, name)));
    }
  }
  return graph;
}

function required(values: Record<Slot, string | number | undefined>, slot: Slot): string | number {
  const value = values[slot];
  if (value === undefined) throw new Error(`no value for {{${slot}}}`); // the adapter checks this beforehand
  return NUMERIC_SLOTS.has(slot) ? Number(value) : value;
}
