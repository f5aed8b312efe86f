"""Classify one image file with a trained Tudui (the CIFAR-10 model of chapter 14).

python classify_image.py --image dog.png --checkpoint tudui_2.pth
"""

# --8<-- [start:imports]
import argparse
import os
import pickle
import sys
import warnings
import zipfile

import torch
import torchvision
from PIL import Image, UnidentifiedImageError

from model import Tudui  # model.py, next to this file

CLASSES = ["airplane", "automobile", "bird", "cat", "deer",
           "dog", "frog", "horse", "ship", "truck"]


def fail(message):
    print(f"classify_image.py: error: {message}", file=sys.stderr)
    sys.exit(1)
# --8<-- [end:imports]


# --8<-- [start:model]
def load_model(path):
    if os.path.isdir(path):
        fail(f"{path} is a folder, not a checkpoint file")
    try:
        state_dict = torch.load(path, map_location=torch.device("cpu"))
    except FileNotFoundError:
        fail(f"no such checkpoint file: {path}")
    except pickle.UnpicklingError:
        if zipfile.is_zipfile(path):  # a whole file from torch.save, holding more than weights
            fail(f"{path} holds a whole model, not a state_dict: "
                 "save it with torch.save(tudui.state_dict(), ...)")
        fail(f"{path} is damaged: it is not a whole file saved with torch.save")
    except Exception:
        fail(f"{path} is damaged: it is not a whole file saved with torch.save")

    tudui = Tudui()
    expected = tudui.state_dict()
    wrong = [name for name in expected
             if name not in state_dict or state_dict[name].shape != expected[name].shape]
    wrong += [name for name in state_dict if name not in expected]
    if wrong:
        first = wrong[0]
        there = list(state_dict[first].shape) if first in state_dict else "missing"
        here = list(expected[first].shape) if first in expected else "none"
        fail(f"{path} holds the weights of another model: {len(wrong)} of them do not fit Tudui "
             f"(the first, {first}: {there} in the file, {here} in Tudui)")
    tudui.load_state_dict(state_dict)
    return tudui
# --8<-- [end:model]


# --8<-- [start:image]
def load_image(path):
    if os.path.isdir(path):
        fail(f"{path} is a folder; give one image file")
    try:
        with warnings.catch_warnings():
            # PIL warns about images of more than about 89 million pixels: refuse them
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
    except FileNotFoundError:
        fail(f"no such image file: {path}")
    except UnidentifiedImageError:
        fail(f"{path} is not an image file that PIL can read")
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        fail(f"{path} has too many pixels to read safely; make a smaller copy first")
    image = image.convert("RGB")
    transform = torchvision.transforms.Compose([
        torchvision.transforms.Resize((32, 32)),
        torchvision.transforms.ToTensor(),
    ])
    image = transform(image)
    print(image.shape)
    image = torch.reshape(image, (1, 3, 32, 32))
    print(image.shape)
    return image
# --8<-- [end:image]


# --8<-- [start:main]
def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="classify_image.py",
        description="Classify an image into one of the ten CIFAR-10 classes.")
    parser.add_argument("--image", required=True, help="the image file")
    parser.add_argument("--checkpoint", required=True,
                        help="a state_dict of Tudui saved with torch.save, e.g. tudui_2.pth")
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        parser.print_help()
        return
    args = parser.parse_args(argv)

    tudui = load_model(args.checkpoint)
    image = load_image(args.image)
    tudui.eval()
    with torch.no_grad():
        output = tudui(image)
    print(output.argmax(1))
    print("prediction:", CLASSES[output.argmax(1).item()])

    probabilities = torch.softmax(output, dim=1)[0]
    top = probabilities.topk(3)
    for probability, index in zip(top.values, top.indices):
        print(f"  {CLASSES[index]:<10} {probability:.3f}")


if __name__ == "__main__":
    main()
# --8<-- [end:main]
