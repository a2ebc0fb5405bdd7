/**
 *   pnpm --filter @contrastive/example-simclr-api start [IDX_FOLDER] [EPOCHS]
 *
 * IDX_FOLDER defaults to the Fashion-MNIST subset bundled with @contrastive/vision; any folder with the
 * four MNIST-style IDX files works (e.g. /usr/share/datasets/fashion-mnist).
 */
import { runSimclrExample } from './run.js';

const epochs = Number(process.argv[3] || 2);
const r = await runSimclrExample({ data: process.argv[2] || undefined, epochs, log: (line) => console.log(line) });
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(`random init: kNN ${pct(r.randomInit.knn)}  linear probe ${pct(r.randomInit.probe)}`);
console.log(`SimCLR, ${epochs} epochs: kNN ${pct(r.trained.knn)}  linear probe ${pct(r.trained.probe)}`);
