/** `contrastive-vision --help`. Written so that it is enough to use the tool. */
export const MAIN_HELP = `contrastive-vision — self-supervised image representations (SimCLR, MoCo v1–v3, BYOL, SimSiam,
InstDisc) on TensorFlow.js, evaluated with a kNN classifier and a linear probe.

Usage:
  contrastive-vision train --method NAME --data PATH [options]
  contrastive-vision eval  --checkpoint DIR --data PATH [--eval-data PATH] [options]
  contrastive-vision embed --checkpoint DIR --data PATH [--out FILE.csv] [options]
  contrastive-vision <command> --help

Quick start (bundled 3,000-image Fashion-MNIST subset, a few minutes on 2 cores):
  contrastive-vision train --method simclr --data bundled --json

Data (--data, --eval-data):
  - a folder with the four MNIST-style IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz],
    t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]), e.g. /usr/share/datasets/fashion-mnist;
    --data reads its train-* files, --eval-data its t10k-* files; if --eval-data is omitted the same
    folder's t10k-* files are used;
  - 'bundled': the Fashion-MNIST subset shipped with this package (3,000 train + 1,000 test);
  - an image folder: one sub-folder per class (labels = folder names; images at any depth below it,
    links followed, as torchvision's ImageFolder) or images directly inside (unlabeled).
    PNG, JPEG, WebP, GIF, TIFF, AVIF; decoded and resized with sharp, streamed in batches.
  Labels never reach the contrastive loss: they are only the kNN memory and the linear probe's
  training set (from --data), scored on --eval-data.
`;

export const TRAIN_HELP = `contrastive-vision train — train an encoder without labels, then score it.

Usage: contrastive-vision train --method NAME --data PATH [options]

Required:
  --method NAME        simclr | moco-v1 | moco-v2 | moco-v3 | byol | simsiam | instdisc
  --data PATH          training images: IDX folder, 'bundled', or image folder (see contrastive-vision --help)

Options:
  --eval-data PATH     labeled images to score on (default: the t10k-* files of an IDX --data folder);
                       its class sub-folders are matched to --data's by name
  --eval-split F       labeled image folder without a test set: hold out a stratified share F of --data
                       (e.g. 0.2; seeded by --seed, never trained on) and score on it. Not with --eval-data
  --encoder NAME       small-cnn (default) | resnet18 | vit-tiny
  --width N            resnet18 width multiplier (default 0.25 on CPU; 1 = the paper's 64..512)
  --image-size N       side in pixels images are resized to (default: 28 for IDX data, 32 for folders)
  --channels 1|3       image folders only: grayscale or RGB (default 3)
  --epochs N           passes over --data (default 10)
  --batch-size N       images per step (default 256, at most half the dataset)
  --lr X               Adam learning rate (default 0.001)
  --objective NAME     instdisc only: softmax (default; lemniscate's later softmax-CE variant) | nce
                       (the CVPR 2018 paper's NCE with Z fixed on the first batch; diverges on small data,
                       see docs/results-vision.md)
  --projector NAME     simclr only: mlp (default; D→D→64 with BN, SimCLR v1's layout) | linear (D→64)
  --temperature X      loss temperature (default per method: simclr 0.2, moco-v1 0.07, moco-v2 0.2,
                       moco-v3 0.2, instdisc 0.07; byol/simsiam have none)
  --seed N             seed of initialisation, views and batch order (default 0)
  --limit N            use only the first N training images (recorded in run.json: --resume and
                       eval on the run's own --eval-split reuse it)
  --eval-limit N       score on only the first N evaluation images
  --out DIR            run folder: checkpoint/, encoder/, loss-curve.png, losses.csv (step,loss), summary.json
                       (default: runs/<method>-<encoder>-seed<seed>). A non-empty folder that is not
                       this run's is never overwritten unless --overwrite is given.
  --resume             continue the run in --out from its last checkpoint (saved at every epoch end and
                       every --checkpoint-every steps); with --epochs, train to that new total (recorded
                       in run.json; the cosine schedules of moco-v2, moco-v3, byol and simsiam then span
                       the new total from that point)
  --checkpoint-every N also save the checkpoint every N steps inside an epoch, so an interrupted long
                       epoch resumes part-way (default 50; 0 = at epoch ends only)
  --overwrite          allow writing into a non-empty --out
  --no-baseline        skip scoring the untrained encoder (the random-init baseline)
  --raw-baseline       also score the raw pixels (the same kNN and probe on the flattened images):
                       rawPixelKnnAccuracy / rawPixelLinearProbeAccuracy in the summary (the full
                       Fashion-MNIST took 1,670 s on 2 busy cores, the bundled subset 39 s)
  --probe-epochs N     epochs of the linear probe (logistic regression, Adam, cosine LR; default 100)
  --backend NAME       wasm (default) | cpu | tensorflow (also env CONTRASTIVE_BACKEND)
  --json               print one final JSON line: {"method","epochs","knnAccuracy","linearProbeAccuracy",
                       "randomInitKnnAccuracy","randomInitLinearProbeAccuracy","seconds",...}
  -h, --help           this text

Scores: weighted kNN (k = 200, τ = 0.1, cosine) and a logistic-regression probe on the encoder output,
for the trained encoder and for the same encoder before training (the baseline to beat). Also
alignment and uniformity (Wang & Isola 2020) of two augmented views of the first 2,048 eval images on the
L2-normalised encoder output: alignment near 0 with uniformity near 0 means collapse.

Example:
  contrastive-vision train --method moco-v2 --data /usr/share/datasets/fashion-mnist --epochs 10 --out runs/moco
`;

export const EVAL_HELP = `contrastive-vision eval — score a trained encoder and draw its embedding map.

Usage: contrastive-vision eval --checkpoint DIR --data PATH [--eval-data PATH | --eval-split F] [options]

Required:
  --checkpoint DIR     a run folder written by 'train' (holds run.json and checkpoint/)
  --data PATH          labeled images for the kNN memory and the probe's training set

Test set (one of; required unless --data is an IDX folder or the run was trained with --eval-split):
  --eval-data PATH     labeled images to score (default: the t10k-* files of an IDX --data folder)
  --eval-split F       or: score on the stratified share F of --data held out by train --eval-split F
                       (the default for a run trained that way; same seed, same split)

Options:
  --map PATH           embedding-map PNG (default DIR/embedding-map.png)
  --map-method NAME    umap (default) | pca
  --limit N, --eval-limit N, --probe-epochs N, --backend NAME, --json    as for 'train'
  -h, --help           this text
`;

export const EMBED_HELP = `contrastive-vision embed — write the trained encoder's embeddings of a data set to a CSV file.

Usage: contrastive-vision embed --checkpoint DIR --data PATH [options]

Required:
  --checkpoint DIR     a run folder written by 'train' (its latest checkpoint: a run still training works)
  --data PATH          images to embed: an image folder (labeled or not), an IDX folder or 'bundled'

Options:
  --split NAME         train (default) | test: which files of an IDX folder
  --out FILE           the CSV (default DIR/embeddings.csv); never replaced without --overwrite
  --overwrite          replace an existing --out
  --limit N            the first N images only
  --batch-size N       images per forward pass (default 256)
  --backend NAME       wasm (default) | cpu | tensorflow
  --json               print one final JSON line: {"method","encoder","images","out","backend","seconds"}
  -h, --help           this text

The CSV has a header row, then one row per image in the data set's order:
  filename,label,embedding_0,...,embedding_{D-1}
filename is the image's path relative to --data (IDX: its images file's name#index); label is the class folder's name (IDX:
the class name, e.g. 'Sneaker'), empty for unlabeled images; the embedding is the encoder's output (the
D-dimensional representation the kNN and the probe score, before any projection head).
`;
