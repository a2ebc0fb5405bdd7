/**
 *   pnpm --filter @contrastive/example-image-graph start [--data DIR] [--epochs N] [--k N] [--labels-per-class N] [--json]
 */
import { parseArgs } from 'node:util';
import { runImageGraph } from './run.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    epochs: { type: 'string' },
    k: { type: 'string' },
    'labels-per-class': { type: 'string' },
    'graph-epochs': { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
  },
});
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
const result = await runImageGraph({
  data: values.data,
  epochs: num(values.epochs),
  k: num(values.k),
  labelsPerClass: num(values['labels-per-class']),
  graphEpochs: num(values['graph-epochs']),
  seed: num(values.seed),
  log: (line) => process.stderr.write(`${line}\n`),
});
if (values.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  process.stdout.write(
    [
      `${result.nodes} image nodes, ${result.edges} directed kNN edges, ${result.labelled} labelled (${result.backend}, ${result.seconds.toFixed(0)} s)`,
      `accuracy on the ${result.nodes - result.labelled} unlabelled images:`,
      `  GCN on the image graph     ${pct(result.accuracy.gcn)}`,
      `  CG3 on the image graph     ${pct(result.accuracy.cg3)}`,
      `  kNN on the labelled only   ${pct(result.accuracy.knnOnLabels)}`,
      `  logistic on labelled only  ${pct(result.accuracy.logisticOnLabels)}`,
      '',
    ].join('\n'),
  );
}
