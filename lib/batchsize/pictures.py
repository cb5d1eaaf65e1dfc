"""Pictures of the data sets themselves, not of results (the data sets chapter): a first image of each class, and
the synthetic sets on their first two principal components."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .datasets import DATASET_NAMES
from .plots import drawn_by


@drawn_by
def sample_images(loaded: dict) -> tuple[plt.Figure, pd.DataFrame]:
    """The first training image of each class of every image data set in `loaded` (name → `data.Dataset`), each
    rescaled to [0, 1] on its own so that normalised pixels show; also the (data set, class) of every panel."""
    images = [name for name, d in loaded.items() if d.x_train.dim() == 4]
    fig, axes = plt.subplots(len(images), 10, figsize=(12, 1.4 * len(images)), squeeze=False)
    for row, name in zip(axes, images, strict=True):
        d = loaded[name]
        first = [int(np.flatnonzero(d.y_train.numpy() == c)[0]) for c in range(10)]
        x = d.x_train[first].numpy()
        x = (x - x.min(axis=(1, 2, 3), keepdims=True)) / np.ptp(x, axis=(1, 2, 3), keepdims=True)
        for ax, img, label in zip(row, x, range(10), strict=True):
            ax.imshow(img.transpose(1, 2, 0).squeeze(), cmap="gray", interpolation="nearest")
            ax.set_axis_off()
            ax.set_title(f"{DATASET_NAMES[name]}: {label}", fontsize=7)
    fig.tight_layout()
    return fig, pd.DataFrame([{"dataset": n, "class": c} for n in images for c in range(10)])


FEATURE_POINTS = 2000  # at most this many points per set in `synthetic_features` (its caption reads it)


@drawn_by
def synthetic_features(loaded: dict, limit: int = FEATURE_POINTS) -> tuple[plt.Figure, pd.DataFrame]:
    """Each synthetic training set in `loaded` (its first `limit` points) on its first two principal components,
    coloured by class: whether the two classes separate; also the plotted points."""
    synthetic = [name for name, d in loaded.items() if d.x_train.dim() == 2]
    fig, axes = plt.subplots(1, len(synthetic), figsize=(4.2 * len(synthetic), 3.6), squeeze=False)
    points = []
    for ax, name in zip(axes[0], synthetic, strict=True):
        x, y = loaded[name].x_train.numpy()[:limit], loaded[name].y_train.numpy()[:limit]
        centred = x - x.mean(0)
        pcs = centred @ np.linalg.svd(centred, full_matrices=False)[2][:2].T
        ax.scatter(pcs[:, 0], pcs[:, 1], c=y, s=3, cmap="coolwarm", alpha=0.6, rasterized=True)  # 6,000 dots
        ax.set(title=DATASET_NAMES[name], xlabel="PC 1", ylabel="PC 2")
        points.append(pd.DataFrame({"dataset": name, "pc1": pcs[:, 0], "pc2": pcs[:, 1], "label": y}))
    fig.tight_layout()
    return fig, pd.concat(points)
