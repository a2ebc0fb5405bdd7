/** Canvas drawing of the loss curve and the embedding map; the geometry comes from curve.ts and map-layout.ts. */
import { type Box, curveGeometry } from './curve.js';
import { colourOf, fitPoints } from './map-layout.js';

const CURVE_BOX: Omit<Box, 'width' | 'height'> = { left: 48, right: 12, top: 12, bottom: 28 };

export function drawCurve(canvas: HTMLCanvasElement, losses: readonly number[], total: number): void {
  const ctx = canvas.getContext('2d')!;
  const box: Box = { width: canvas.width, height: canvas.height, ...CURVE_BOX };
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const g = curveGeometry(losses, box, Math.max(total, losses.length));
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  for (const t of g.ticks) {
    ctx.strokeStyle = '#e5e5e5';
    ctx.beginPath();
    ctx.moveTo(box.left, t.y);
    ctx.lineTo(box.width - box.right, t.y);
    ctx.stroke();
    ctx.fillStyle = '#555';
    ctx.fillText(String(t.value), box.left - 6, t.y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(`step (of ${Math.max(total, losses.length)})`, (box.left + box.width - box.right) / 2, box.height - 8);
  if (g.points.length === 0) return;
  ctx.strokeStyle = '#d62728';
  ctx.lineWidth = 2;
  ctx.beginPath();
  g.points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
  ctx.stroke();
}

/** Draws the map and returns the pixel position of each point (for clicks). `selected` is ringed. */
export function drawMap(canvas: HTMLCanvasElement, coords: Float32Array, labels: Int32Array | null, selected: number): Float32Array {
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const px = fitPoints(coords, canvas.width, canvas.height, 12);
  for (let i = 0; i < px.length / 2; i++) {
    ctx.fillStyle = colourOf(labels?.[i]);
    ctx.beginPath();
    ctx.arc(px[2 * i]!, px[2 * i + 1]!, 3.5, 0, 2 * Math.PI);
    ctx.fill();
  }
  if (selected >= 0 && selected < px.length / 2) {
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(px[2 * selected]!, px[2 * selected + 1]!, 8, 0, 2 * Math.PI);
    ctx.stroke();
  }
  return px;
}
