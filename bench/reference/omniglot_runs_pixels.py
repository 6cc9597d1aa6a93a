"""Raw-pixel nearest neighbour on the official Omniglot one-shot runs
(Lake et al., all_runs.zip): every test image goes to the nearest of the 20
training images by Euclidean distance on pixels in [0, 1]. Independent of
lunet: reads the zip with zipfile and the PNGs with PIL.
Prints: accuracy 0.1900 (76 of 400); errors per run [13, 19, 16, 13, 14, 16, 18,
18, 17, 17, 16, 17, 16, 18, 16, 14, 20, 13, 17, 16].

    /usr/bin/python3 bench/reference/omniglot_runs_pixels.py ../shared/data/omniglot/all_runs.zip
"""
import io
import sys
import zipfile

import numpy as np
from PIL import Image


def image(archive, name):
    with archive.open(name) as f:
        return np.asarray(Image.open(io.BytesIO(f.read())).convert("L"), dtype=np.float64).ravel() / 255.0


def main(path):
    archive = zipfile.ZipFile(path)
    names = set(archive.namelist())
    runs = sorted({n.split("/")[0] for n in names if n.startswith("run")})
    prefix = ""
    correct, total, errors = 0, 0, []
    for run in runs:
        lines = archive.read(f"{prefix}{run}/class_labels.txt").decode().split()
        pairs = list(zip(lines[0::2], lines[1::2]))  # (test item, its training class image)
        training = sorted(n for n in names if n.startswith(f"{prefix}{run}/training/") and n.endswith(".png"))
        support = np.stack([image(archive, n) for n in training])
        wrong = 0
        for test, answer in pairs:
            q = image(archive, f"{prefix}{test}")
            nearest = training[int(np.argmin(((support - q) ** 2).sum(axis=1)))]
            wrong += nearest != f"{prefix}{answer}"
        errors.append(wrong)
        correct += len(pairs) - wrong
        total += len(pairs)
    print(f"accuracy {correct / total:.4f} ({correct} of {total}); errors per run {errors}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/omniglot/all_runs.zip")
