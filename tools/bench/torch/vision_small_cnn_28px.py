"""PyTorch twin of `vision-small-cnn-28px`: @contrastive/vision's smallCnnEncoder on 256 images x 2 views
of 28x28x1, NT-Xent tau 0.5 on the 128-d encoder output (no projection head, as in the TS workload),
Adam 1e-3. Per width 32, 64, 128: conv3x3 'same' without bias -> BatchNorm (eps 1e-3 and momentum 0.9 in
Keras terms, i.e. torch momentum 0.1) -> ReLU, 2x2 max-pool between blocks (28 -> 14 -> 7), global
average pool."""
import torch.nn as nn

from common import simclr_bench

PARAMS = 92_896  # trainable params of ours (VISION_SMALL_CNN_PARAMS in workloads/vision-small-cnn.ts)


def small_cnn(widths=(32, 64, 128)):
    layers, cin = [], 1
    for i, w in enumerate(widths):
        layers += [nn.Conv2d(cin, w, 3, 1, 1, bias=False), nn.BatchNorm2d(w, eps=1e-3, momentum=0.1), nn.ReLU()]
        if i < len(widths) - 1:
            layers.append(nn.MaxPool2d(2))
        cin = w
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return nn.Sequential(*layers)


encoder = small_cnn()
params = sum(p.numel() for p in encoder.parameters())
assert params == PARAMS, f"twin has {params} trainable params, ours {PARAMS}"
simclr_bench("vision-small-cnn-28px", encoder, 256, (1, 28, 28), extra={"params": params})
