/**
 * The page: wires the form to the training worker and draws what it reports. All training happens in
 * worker.ts; everything drawn comes from its messages (protocol.ts).
 */
import { loadBundled, splitFolder } from './data-source.js';
import { drawCurve, drawMap } from './draw.js';
import { decodeFolder, type FolderFile, type FolderResult, filesFromDrop, filesFromInput } from './folder.js';
import { formatEta, formatKnn, formatRate } from './format.js';
import { colourOf, nearestPoint } from './map-layout.js';
import { cosineNeighbours, pixelNeighbours } from './neighbours.js';
import { toRgba, imageBytes } from './pixel-data.js';
import { type BackendChoice, checkFromWorker, type FromWorker, type PixelData, type ToWorker, type TrainConfig } from './protocol.js';

const FOLDER_IMAGE_SIZE = 32;
const FOLDER_MAX_IMAGES = 5000;
const GALLERY_SIZE = 24;
const NEIGHBOURS = 8;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  form: $<HTMLFormElement>('setup'),
  start: $<HTMLButtonElement>('start'),
  pause: $<HTMLButtonElement>('pause'),
  stop: $<HTMLButtonElement>('stop'),
  download: $<HTMLButtonElement>('download'),
  status: $<HTMLParagraphElement>('status'),
  backendInfo: $<HTMLParagraphElement>('backend-info'),
  progress: $<HTMLProgressElement>('progress'),
  progressText: $<HTMLSpanElement>('progress-text'),
  lossCanvas: $<HTMLCanvasElement>('loss-canvas'),
  lossText: $<HTMLParagraphElement>('loss-text'),
  mapCanvas: $<HTMLCanvasElement>('map-canvas'),
  knn: $<HTMLOutputElement>('knn'),
  legend: $<HTMLUListElement>('legend'),
  gallery: $<HTMLDivElement>('gallery'),
  neighbours: $<HTMLDivElement>('neighbours'),
  drop: $<HTMLDivElement>('drop'),
  folderInput: $<HTMLInputElement>('folder-input'),
};

/** What the page knows, also readable as `window.playground` (the browser test and curious users read it). */
const state = {
  state: 'idle' as 'idle' | 'loading' | 'training' | 'paused' | 'done' | 'error',
  backend: null as BackendChoice | null,
  losses: [] as number[],
  /** Training seconds at each step (steady-state steps/s for the benchmark). */
  stepSeconds: [] as number[],
  knn: [] as { step: number; accuracy: number | null }[],
  total: 0,
  /** The last evaluation's held-out embeddings, row-major `[heldOut, dim]`. */
  embeddings: null as Float32Array | null,
  dim: 0,
  lastError: null as string | null,
};
(window as unknown as { playground: typeof state }).playground = state;

let worker: Worker | null = null;
/** The decoded folder (decoded once, when it is dropped or picked). */
let folder: FolderResult | null = null;
let heldOut: PixelData | null = null;
let latest: Extract<FromWorker, { type: 'eval' }> | null = null;
let mapPixels: Float32Array = new Float32Array(0);
let selected = -1;

function setState(s: typeof state.state, message?: string): void {
  state.state = s;
  document.body.dataset.state = s;
  const running = s === 'training' || s === 'paused' || s === 'loading';
  ui.start.disabled = running;
  ui.pause.disabled = !(s === 'training' || s === 'paused');
  ui.pause.textContent = s === 'paused' ? 'Resume' : 'Pause';
  ui.stop.disabled = !(s === 'training' || s === 'paused');
  ui.download.disabled = s !== 'done';
  if (message !== undefined) showStatus(message, s === 'error');
}

function showStatus(message: string, isError = false): void {
  ui.status.textContent = message;
  ui.status.classList.toggle('error', isError);
  if (isError) state.lastError = message;
}

const send = (msg: ToWorker, transfer: Transferable[] = []) => worker?.postMessage(msg, transfer);

async function loadData(seed: number, maxHeldOut: number): Promise<{ train: PixelData; heldOut: PixelData; note: string }> {
  const source = (ui.form.elements.namedItem('source') as RadioNodeList).value;
  if (source === 'bundled') return { ...(await loadBundled(location.href, maxHeldOut)), note: '' };
  if (folder === null) throw new Error('No folder yet: drop a folder of images on the box, or press Enter on it to pick one.');
  const { data, failed, skipped } = folder;
  const notes: string[] = [];
  if (failed.length > 0) {
    const names = failed.slice(0, 3).map((f) => f.path);
    notes.push(
      `${failed.length} image${failed.length === 1 ? '' : 's'} could not be decoded and ${failed.length === 1 ? 'was' : 'were'} skipped: ${names.join(', ')}${failed.length > 3 ? ', …' : ''}.`,
    );
  }
  if (skipped > 0) notes.push(`Only the first ${FOLDER_MAX_IMAGES} images are used (${skipped} left out).`);
  if (data.n < 3) throw new Error(`Only ${data.n} image${data.n === 1 ? '' : 's'} decoded: training needs a few dozen at least.`);
  return { ...splitFolder(data, seed, maxHeldOut), note: notes.join(' ') };
}

function readConfig(): TrainConfig & { heldOut: number } {
  const int = (id: string, min: number, max: number, name: string): number => {
    const v = Number(($(id) as HTMLInputElement).value);
    if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${name} must be a whole number from ${min} to ${max}.`);
    return v;
  };
  return {
    method: ($('method') as HTMLSelectElement).value as TrainConfig['method'],
    backend: ($('backend') as HTMLSelectElement).value as TrainConfig['backend'],
    steps: int('steps', 1, 100000, 'Steps'),
    batchSize: int('batch', 2, 512, 'Batch'),
    evalEvery: int('eval-every', 1, 10000, 'Map every'),
    reference: int('reference', 1, 5000, 'kNN reference images'),
    heldOut: int('held-out', 2, 2000, 'Held-out images'),
    seed: 0,
    wasmPath: new URL('tfjs-wasm/', location.href).href,
  };
}

async function start(): Promise<void> {
  let config: ReturnType<typeof readConfig>;
  try {
    config = readConfig();
  } catch (e) {
    setState('error', (e as Error).message);
    return;
  }
  setState('loading', 'Loading the images…');
  let data: Awaited<ReturnType<typeof loadData>>;
  try {
    data = await loadData(config.seed, config.heldOut);
    if (data.train.n < config.batchSize) {
      throw new Error(`${data.train.n} training images are fewer than one batch of ${config.batchSize}: lower the batch size.`);
    }
  } catch (e) {
    setState('error', (e as Error).message);
    return;
  }
  Object.assign(state, {
    backend: null,
    losses: [],
    stepSeconds: [],
    knn: [],
    embeddings: null,
    dim: 0,
    total: config.steps,
    lastError: null,
  });
  heldOut = data.heldOut;
  latest = null;
  selected = -1;
  renderGallery();
  renderLegend();
  ui.neighbours.replaceChildren();
  drawCurve(ui.lossCanvas, [], config.steps);
  ui.knn.textContent = '–';
  worker?.terminate();
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e) => onWorkerMessage(e.data);
  worker.onerror = (e) => setState('error', `The training worker failed: ${e.message}`);
  setState('training', `Starting on ${data.train.n} training images (${data.heldOut.n} held out)… ${data.note}`);
  // Copies, not transfers: the page keeps heldOut's pixels for the neighbour view.
  const { heldOut: _, ...trainConfig } = config;
  send({ type: 'start', config: trainConfig, train: data.train, heldOut: data.heldOut });
}

function onWorkerMessage(raw: unknown): void {
  let msg: FromWorker;
  try {
    msg = checkFromWorker(raw);
  } catch (e) {
    setState('error', (e as Error).message);
    return;
  }
  switch (msg.type) {
    case 'backend': {
      state.backend = msg.name;
      const skipped = msg.attempts.filter((a) => a.error !== undefined).map((a) => `${a.name} (${a.error})`);
      ui.backendInfo.textContent = `Backend: ${msg.name}${skipped.length ? `; skipped ${skipped.join('; ')}` : ''}`;
      return;
    }
    case 'step':
      state.losses.push(msg.loss);
      state.stepSeconds.push(msg.trainSeconds);
      ui.progress.value = msg.step / msg.total;
      ui.progressText.textContent = `${msg.step} / ${msg.total} steps · ${formatRate(msg.stepsPerSecond)} · ETA ${formatEta(msg.etaSeconds)}`;
      ui.lossText.textContent = `Step ${msg.step}: loss ${msg.loss.toFixed(4)} (first ${state.losses[0]!.toFixed(4)})`;
      drawCurve(ui.lossCanvas, state.losses, msg.total);
      if (state.state === 'training') showStatus(`Training on ${state.backend}…`);
      return;
    case 'eval':
      latest = msg;
      state.embeddings = msg.embeddings;
      state.dim = msg.dim;
      state.knn.push({ step: msg.step, accuracy: msg.knn });
      ui.knn.textContent = formatKnn(state.knn);
      mapPixels = drawMap(ui.mapCanvas, msg.coords, heldOut?.labels ?? null, selected);
      if (selected >= 0) showNeighbours(selected);
      return;
    case 'paused':
      setState('paused', 'Paused. Resume to continue, or Stop.');
      return;
    case 'resumed':
      setState('training', `Training on ${state.backend}…`);
      return;
    case 'done':
      setState(
        'done',
        `${msg.reason === 'finished' ? 'Finished' : 'Stopped'} after ${msg.steps} steps in ${msg.seconds.toFixed(1)} s. You can download the encoder.`,
      );
      return;
    case 'exported': {
      const url = URL.createObjectURL(new Blob([msg.zip as BlobPart], { type: 'application/zip' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = msg.fileName;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      showStatus(`Saved ${msg.fileName}: unzip it and load the folder in Node with loadTrainedEncoder from @contrastive/vision/node.`);
      return;
    }
    case 'error':
      setState('error', `Error: ${msg.message}`);
      return;
  }
}

function thumb(d: PixelData, index: number, label: string): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = d.width;
  c.height = d.height;
  c.className = 'thumb';
  c.getContext('2d')!.putImageData(new ImageData(toRgba(d, index), d.width, d.height), 0, 0);
  c.setAttribute('role', 'img');
  c.setAttribute('aria-label', label);
  return c;
}

const labelName = (i: number): string => {
  const y = heldOut?.labels?.[i];
  return y === undefined ? `image ${i + 1}` : `image ${i + 1} (${heldOut!.classNames?.[y] ?? `class ${y}`})`;
};

function renderGallery(): void {
  if (heldOut === null) return;
  const buttons = Array.from({ length: Math.min(GALLERY_SIZE, heldOut.n) }, (_, i) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.setAttribute('aria-pressed', 'false');
    b.title = labelName(i);
    b.append(thumb(heldOut!, i, labelName(i)));
    b.addEventListener('click', () => select(i));
    return b;
  });
  ui.gallery.replaceChildren(...buttons);
}

function renderLegend(): void {
  const names = heldOut?.classNames ?? null;
  ui.legend.replaceChildren(
    ...(names ?? []).map((n, i) => {
      const li = document.createElement('li');
      const dot = document.createElement('span');
      dot.style.background = colourOf(i);
      li.append(dot, n);
      return li;
    }),
  );
}

function select(i: number): void {
  selected = i;
  for (const [j, b] of Array.from(ui.gallery.children).entries()) b.setAttribute('aria-pressed', String(j === i));
  if (latest !== null) mapPixels = drawMap(ui.mapCanvas, latest.coords, heldOut?.labels ?? null, selected);
  showNeighbours(i);
}

function showNeighbours(i: number): void {
  if (heldOut === null) return;
  if (latest === null) {
    ui.neighbours.textContent = 'The first embeddings arrive a moment after Start.';
    return;
  }
  const strip = (title: string, idx: number[]) => {
    const h = document.createElement('h3');
    h.textContent = title;
    const div = document.createElement('div');
    div.className = 'strip';
    div.append(...idx.map((j) => thumb(heldOut!, j, labelName(j))));
    return [h, div];
  };
  ui.neighbours.replaceChildren(
    ...strip(`Query: ${labelName(i)}`, [i]),
    ...strip(`Learned space (cosine, step ${latest.step})`, cosineNeighbours(latest.embeddings, latest.dim, i, NEIGHBOURS)),
    ...strip('Raw pixels (Euclidean)', pixelNeighbours(heldOut.pixels, imageBytes(heldOut), i, NEIGHBOURS)),
  );
}

ui.form.addEventListener('submit', (e) => {
  e.preventDefault();
  void start();
});
ui.pause.addEventListener('click', () => send({ type: state.state === 'paused' ? 'resume' : 'pause' }));
ui.stop.addEventListener('click', () => send({ type: 'stop' }));
ui.download.addEventListener('click', () => send({ type: 'export' }));
ui.mapCanvas.addEventListener('click', (e) => {
  const r = ui.mapCanvas.getBoundingClientRect();
  const scale = ui.mapCanvas.width / r.width;
  const i = nearestPoint(mapPixels, (e.clientX - r.left) * scale, (e.clientY - r.top) * scale, 12);
  if (i >= 0) select(i);
});

async function useFolder(files: FolderFile[]): Promise<void> {
  (ui.form.querySelector('input[value="folder"]') as HTMLInputElement).checked = true;
  folder = null;
  showStatus(`Decoding ${files.length} files…`);
  try {
    folder = await decodeFolder(files, FOLDER_IMAGE_SIZE, FOLDER_MAX_IMAGES);
    const { data, failed } = folder;
    const classes = data.classNames
      ? `${data.classNames.length} classes (${data.classNames.slice(0, 5).join(', ')}${data.classNames.length > 5 ? ', …' : ''})`
      : 'no class sub-folders';
    const bad = failed.length ? ` ${failed.length} could not be decoded (e.g. ${failed[0]!.path}) and will be skipped.` : '';
    showStatus(`Folder ready: ${data.n} images, ${classes}.${bad} Press Start.`, failed.length > 0);
  } catch (e) {
    showStatus((e as Error).message, true);
  }
}

ui.drop.addEventListener('click', () => ui.folderInput.click());
ui.drop.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    ui.folderInput.click();
  }
});
ui.folderInput.addEventListener('change', () => {
  if (ui.folderInput.files) void useFolder(filesFromInput(ui.folderInput.files));
});
ui.drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  ui.drop.classList.add('over');
});
ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
ui.drop.addEventListener('drop', (e) => {
  e.preventDefault();
  ui.drop.classList.remove('over');
  if (e.dataTransfer)
    void filesFromDrop(e.dataTransfer.items).then(useFolder, (err: Error) => showStatus(`Could not read the drop: ${err.message}`, true));
});

drawCurve(ui.lossCanvas, [], 0);
setState('idle');
