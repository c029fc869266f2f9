import { ApiError } from '../api.js';
import { errorText, field, fill, h, statusLine } from '../dom.js';
import { duration } from '../format.js';
import { InputImages } from '../playground/inputImages.js';
import { MaskPainter } from '../playground/maskPainter.js';
import { ModelPicker } from '../playground/modelPicker.js';
import { imageUrl, renderRun } from '../playground/results.js';
import { rememberRun } from '../sessionImages.js';
import type { ImageResponse, Model } from '../types.js';
import type { Page, PageContext } from './page.js';

const option = (value: string, label = value) => h('option', { value }, label);

/** Prompt, model and options in; images, cost, latency and warnings out. */
export function playgroundPage({ api }: PageContext): Page {
  const picker = new ModelPicker();
  const inputs = new InputImages();
  const mask = new MaskPainter();
  const prompt = h('textarea', { rows: 4, placeholder: 'a serene mountain landscape at sunset', maxlength: 32000 });
  const size = h('select');
  const quality = h('select', null, ['auto', 'low', 'medium', 'high'].map((q) => option(q)));
  const count = h('input', { type: 'number', min: 1, max: 10, value: 1, inputmode: 'numeric' });
  const format = h('select', null, option('webp', 'WebP'), option('png', 'PNG'), option('jpeg', 'JPEG'));
  const generate = h('button', { type: 'submit', class: 'primary' }, 'Generate');
  const cancel = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Cancel');
  const elapsed = h('span', { class: 'elapsed', role: 'timer', 'aria-live': 'off' });
  const problem = statusLine('alert');
  const capability = h('p', { class: 'hint', 'aria-live': 'polite' });
  const results = h('div', { class: 'results', 'aria-live': 'polite' },
    h('p', { class: 'empty-state' }, 'Your images appear here.'));
  let running: AbortController | null = null;

  const modelChanged = (model: Model | undefined) => {
    const previous = size.value || 'auto';
    fill(size, (model?.sizes.length ? model.sizes : ['auto']).map((s) => option(s)));
    size.value = model?.sizes.includes(previous) ? previous : (model?.sizes[0] ?? 'auto');
    quality.disabled = !model?.supported_params.quality;
    count.max = model?.supported_params.n ? '10' : '1';
    if (Number(count.value) > Number(count.max)) count.value = count.max;
    checkCapabilities();
  };
  // Say up front what the chosen model cannot do, rather than after a failed request.
  const checkCapabilities = () => {
    const model = picker.selected();
    const images = inputs.list.length;
    capability.textContent = !model || images === 0 ? ''
      : !model.supported_params.edit ? `${model.id} does not take input images: the request will be refused.`
      : mask.hasMask && !model.supported_params.mask ? `${model.id} does not take a mask.` : '';
  };
  picker.onChange(modelChanged);
  inputs.onChange(() => {
    mask.setImage(inputs.list[0]);
    checkCapabilities();
  });

  async function run(event: Event) {
    event.preventDefault();
    const model = picker.selected();
    if (!model || running) return;
    problem.clear();
    running = new AbortController();
    generate.disabled = true;
    cancel.hidden = false;
    const started = performance.now();
    const tick = window.setInterval(() => (elapsed.textContent = `Generating… ${duration(performance.now() - started)}`), 100);
    elapsed.textContent = 'Generating…';
    try {
      const request = await buildRequest(model);
      const { body, headers } = await api.request<ImageResponse>(request.path, { ...request.call, signal: running.signal });
      const urls = body.data.map((d) => (d.b64_json ? imageUrl(d.b64_json, body.output_format) : d.url!));
      rememberRun({ model: model.id, prompt: prompt.value, createdMs: body.created * 1000, latencyMs: body.latency, urls });
      fill(results, renderRun({ body, urls, model: model.id, provider: headers.get('x-pixelrouter-provider') }));
      elapsed.textContent = `Done in ${duration(performance.now() - started)}`;
    } catch (error) {
      elapsed.textContent = '';
      const cancelled = error instanceof ApiError && error.code === 'cancelled';
      problem.show(cancelled ? 'Cancelled.' : errorText(error), cancelled ? 'info' : 'error');
    } finally {
      window.clearInterval(tick);
      running = null;
      generate.disabled = false;
      cancel.hidden = true;
    }
  }

  /** JSON to /generations without images; multipart to /edits with them (files need no base64). */
  async function buildRequest(model: Model) {
    const fields: Record<string, string> = {
      model: model.id,
      prompt: prompt.value,
      size: size.value,
      n: count.value || '1',
      output_format: format.value,
      response_format: 'b64_json',
    };
    if (!quality.disabled) fields.quality = quality.value;
    const images = inputs.list;
    if (images.length === 0) {
      return { path: '/v1/openai/images/generations', call: { json: { ...fields, n: Number(fields.n) } } };
    }
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    for (const image of images) form.append('image[]', image, image.name);
    const maskPng = await mask.toPng();
    if (maskPng) form.append('mask[]', maskPng, 'mask.png');
    return { path: '/v1/openai/images/edits', call: { form } };
  }

  cancel.addEventListener('click', () => running?.abort());
  // Ctrl/Cmd+Enter in the prompt generates, as in chat boxes.
  prompt.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  const form = h('form', { class: 'playground-form', onsubmit: run },
    picker.element,
    field('Prompt', prompt, 'Ctrl+Enter generates.'),
    h('div', { class: 'options' }, field('Size', size), field('Quality', quality), field('Images (n)', count), field('Output format', format)),
    inputs.element,
    mask.element,
    capability,
    h('div', { class: 'actions' }, generate, cancel, elapsed),
    problem.element);

  const element = h('div', { class: 'page playground' },
    h('h1', { tabindex: -1 }, 'Playground'),
    h('div', { class: 'playground-layout' }, form, h('section', { class: 'output', 'aria-label': 'Results' }, h('h2', null, 'Results'), results)));

  let wanted: string | null = null;
  api.get<Record<string, Model>>('/v1/models?limit=1000')
    .then((models) => picker.setModels(Object.values(models), wanted ?? undefined))
    .catch((error) => problem.show(`Could not load the models: ${errorText(error)}`));

  return {
    element,
    // /?model=... (the Models page's "Try" link) picks that model.
    show(params) {
      const model = params.get('model');
      if (model && !picker.select(model)) wanted = model;
    },
  };
}
